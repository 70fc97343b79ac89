namespace SysUpdate.Benchmarks;

/// <summary>The two tools under comparison, run alike through one <see cref="TimedTreeRun"/>: systemd 262.1's
/// systemd-sysupdate in its chroot, and our published binary on the host. Ours gets an empty HTTP cache each run
/// (SYSUPDATE_CACHE_DIRECTORY), so it fetches SHA256SUMS in full as the reference does, never a 304; and, when
/// <paramref name="ourLibraryPath"/> is given, the reference's codec libraries through LD_LIBRARY_PATH.</summary>
internal sealed class CompareSides(ReferenceChroot reference, string ourBinary, TimedTreeRun runner, string work, string? ourLibraryPath)
{
    public ReferenceChroot Reference { get; } = reference;

    public string OurBinary { get; } = ourBinary;

    public Task<TreeRunResult> RunReferenceAsync(IReadOnlyList<string> arguments) =>
        runner.RunAsync(["unshare", .. Reference.UnsharePrefix(work)], [ReferenceChroot.SysupdatePath, .. arguments], new Dictionary<string, string>());

    public async Task<TreeRunResult> RunOursAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        string cache = Path.Combine(work, "http-cache");
        if (Directory.Exists(cache))
            Directory.Delete(cache, recursive: true);
        var withCache = new Dictionary<string, string>(environment) { ["SYSUPDATE_CACHE_DIRECTORY"] = cache };
        if (ourLibraryPath is not null)
            withCache["LD_LIBRARY_PATH"] = ourLibraryPath;
        var result = await runner.RunAsync([], [OurBinary, .. arguments], withCache).ConfigureAwait(false);
        if (Directory.Exists(cache))
            Directory.Delete(cache, recursive: true);
        return result;
    }
}
