namespace SysUpdate.Benchmarks;

/// <summary>One end-to-end run and the stages measured alone next to it (seconds).</summary>
internal sealed record E2eSample(double EndToEnd, long PeakRssBytes, double ChildCpu, double Download, double Sha256, double Decode, double Write);
