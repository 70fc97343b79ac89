namespace SysUpdate.Benchmarks;

/// <summary>
/// One timed run of a tool and the processes it started: wall seconds from its exec to its exit (measured by the
/// timing wrapper right around it, so namespace and chroot setup are not counted); the peak RSS of the tree (the
/// largest sum, over 20 ms samples, of VmHWM of the tree's live processes); how many processes the tree had.
/// </summary>
internal sealed record TreeRunResult(double Seconds, long PeakTreeRssBytes, int Processes, int ExitCode, string Output);
