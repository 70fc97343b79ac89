namespace SysUpdate.Benchmarks;

/// <summary>One end-to-end run (read-back on, the default), the same run with <c>SYSUPDATE_READBACK=0</c>, and the
/// stages measured alone next to them, and <see cref="Benchmarks.IdealPipeline"/> (seconds).</summary>
internal sealed record E2eSample(double EndToEnd, long PeakRssBytes, double ChildCpu, double Download, double Sha256, double Decode, double Write,
    double EndToEndNoReadback, double IdealPipeline);
