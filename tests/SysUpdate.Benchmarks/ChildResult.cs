namespace SysUpdate.Benchmarks;

/// <summary>How a child process went: wall time from start to exit, the last VmHWM seen (0 if not polled).</summary>
internal sealed record ChildResult(TimeSpan Wall, long PeakRssBytes, int ExitCode, string Output);
