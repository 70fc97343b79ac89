namespace SysUpdate.Benchmarks;

/// <summary>How a child process went: wall time from start to exit; the last VmHWM and user+system CPU time seen
/// in /proc while it ran (0 if not polled).</summary>
internal sealed record ChildResult(TimeSpan Wall, long PeakRssBytes, double CpuSeconds, int ExitCode, string Output);
