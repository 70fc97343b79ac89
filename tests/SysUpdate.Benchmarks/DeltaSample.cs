namespace SysUpdate.Benchmarks;

/// <summary>One update of the delta benchmark: the mode (full or delta), and what it cost.</summary>
internal sealed record DeltaSample(string Mode, TimeSpan Wall, long BytesServed, long PeakRssBytes);
