using System.Globalization;
using SysUpdate.Integration.Tests.Http;

namespace SysUpdate.Benchmarks;

/// <summary>
/// Side by side with the tool users would pick instead: systemd 262.1's own systemd-sysupdate (in the Debian sid
/// chroot tests/test72-262/run.sh builds) and our published binary update from the same nginx on 127.0.0.1 (sendfile,
/// one worker, so the server takes little of the client's cores), the same unsigned SHA256SUMS (Verify=no on both)
/// and the same images, in alternating order; per run the ratio reference time / our time, and its median.
/// </summary>
internal static class CompareBenchmark
{
    private const long MiB = 1024 * 1024;

    public static async Task<int> RunAsync(string[] rawArguments)
    {
        var args = BenchmarkArguments.Parse(rawArguments);
        long size = args.GetInt("size-mib", 512) * MiB;
        int runs = args.GetInt("runs", 3);
        int checkRuns = args.GetInt("check-runs", 7);
        string[] codecs = args.Get("codecs", string.Join(',', CompareRelease.KnownCodecs)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        var targets = args.Get("targets", "file,partition").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ParseTarget).ToList();
        bool readback = args.Get("readback", "yes") switch
        {
            "yes" => true,
            "no" => false,
            var other => throw new BenchmarkSetupException($"--readback must be yes or no, not '{other}'"),
        };
        bool referenceCodecs = args.Get("codec-libraries", "host") switch
        {
            "host" => false,
            "reference" => true,
            var other => throw new BenchmarkSetupException($"--codec-libraries must be host or reference, not '{other}'"),
        };
        foreach (string codec in codecs)
        {
            if (!CompareRelease.KnownCodecs.Contains(codec))
                throw new BenchmarkSetupException($"--codecs: unknown codec '{codec}' (known: {string.Join(',', CompareRelease.KnownCodecs)})");
        }
        if (runs < 1 || checkRuns < 0)
            throw new BenchmarkSetupException("--runs must be at least 1 and --check-runs at least 0");
        if (!Environment.IsPrivilegedProcess)
            throw new BenchmarkSetupException("compare needs root (unshare and chroot for the reference, losetup for partition targets)");
        if (!File.Exists(NginxServer.Executable))
            throw new BenchmarkSetupException($"{NginxServer.Executable} does not exist (apt-get install nginx-light)");

        var reference = await ReferenceChroot.OpenAsync(args.Get("chroot", ReferenceChroot.DefaultDirectory)).ConfigureAwait(false);
        string binary = RepoLayout.SysUpdateBinary(RepoLayout.FindRoot());
        string parent = args.Get("work-dir", "/var/tmp");
        // raw + up to four encodings (each at most about the size), one installed file or slot at a time, slack.
        long needed = (6 * size) + (512 * MiB);
        long free = new DriveInfo(parent).AvailableFreeSpace;
        if (free < needed)
            throw new BenchmarkSetupException($"{parent} has {free / MiB} MiB free, a {size / MiB} MiB comparison needs about {needed / MiB} MiB (use --work-dir)");

        string work = Directory.CreateDirectory(Path.Combine(parent, "sysupdate-compare-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        reference.CreateMountPoint(work);
        try
        {
            var release = await CompareRelease.BuildAsync(Path.Combine(work, "pub"), size, codecs).ConfigureAwait(false);
            await using var nginx = await NginxServer.StartAsync(release.Directory).ConfigureAwait(false);
            string? libraries = null;
            if (referenceCodecs)
            {
                libraries = Path.Combine(work, "reference-codec-libraries");
                reference.CopyCodecLibraries(libraries);
            }
            var sides = new CompareSides(reference, binary, new TimedTreeRun(work), work, libraries);
            var cases = new List<CaseResult>();
            var update = new UpdateCase(sides, release, nginx.BaseUrl, work, readback);
            foreach (var target in targets)
            {
                foreach (string codec in codecs)
                    cases.Add(await update.RunAsync(codec, target, runs, size).ConfigureAwait(false));
            }
            if (checkRuns > 0)
                cases.Add(await new CheckNewCase(sides, nginx.BaseUrl, work).RunAsync(checkRuns).ConfigureAwait(false));

            string commandLine = "dotnet run -c Release --project tests/SysUpdate.Benchmarks -- compare " + string.Join(' ', rawArguments);
            CompareReport.Print(commandLine.TrimEnd(), await DescribeSetupAsync(reference, binary, size, runs, checkRuns, readback, referenceCodecs, targets).ConfigureAwait(false), cases);
            return cases.Any(c => c.Failure is not null) ? 1 : 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
            reference.RemoveMountPoint(work);
        }
    }

    private static CompareTarget ParseTarget(string text) => text switch
    {
        "file" => CompareTarget.File,
        "partition" => CompareTarget.Partition,
        _ => throw new BenchmarkSetupException($"--targets: unknown target '{text}' (known: file,partition)"),
    };

    private static async Task<IReadOnlyList<string>> DescribeSetupAsync(ReferenceChroot reference, string binary, long size, int runs, int checkRuns,
        bool readback, bool referenceCodecs, IReadOnlyList<CompareTarget> targets)
    {
        var version = await ChildProcess.RunAsync(binary, ["--version"], pollRss: false).ConfigureAwait(false);
        string ours = version.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "?";
        string kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} CPUs, Linux {kernel}. Reference: systemd-sysupdate from Debian's systemd {reference.Version} "
                + $"(chroot {reference.Directory}; its systemd-pull does the downloads). Ours: {binary} ({ours})."),
            string.Create(CultureInfo.InvariantCulture,
                $"{size / MiB} MiB image-like payload (40 % random, 20 % zeros, 40 % text), version 2, unsigned SHA256SUMS (Verify=no on both), "
                + $"served by nginx (sendfile, one worker) on 127.0.0.1; url-file source."),
            string.Create(CultureInfo.InvariantCulture,
                $"update: {runs} run(s) per case, alternating which tool goes first, each into a fresh target (file: an empty directory; partition: a new "
                + $"GPT image file with two empty slots, attached with losetup); after each run the installed file/slot must hash to the payload. "
                + $"Dirty pages are written back (sync) before each run; the page cache is not dropped (the served files stay cached for both)."),
            $"check-new: {checkRuns} run(s), whole process, version 1 installed and 2 served. Ours runs with an empty HTTP cache every time "
                + "(SYSUPDATE_CACHE_DIRECTORY), so it fetches SHA256SUMS in full like the reference, never a 304.",
            "Times: wall seconds from the tool's exec to its exit, taken by the same bash wrapper on both sides (the reference's mount namespace and "
                + "chroot are set up before it). Ratio = ref s / ours s per run (> 1: ours faster); the median is of those ratios.",
            "Peak RSS: the largest sum, over 20 ms samples from /proc, of VmHWM of the tool's live processes (the reference's tree includes the "
                + "systemd-pull children it runs); not cgroup memory.peak, which would count the page cache of the written image.",
        };
        lines.Add(referenceCodecs
            ? $"Codec libraries: ours loads the chroot's own {string.Join(", ", ReferenceChroot.CodecLibraries)} (copied, LD_LIBRARY_PATH), so both "
                + "decode with the same library versions; gzip is the .NET runtime's zlib-ng on our side either way."
            : "Codec libraries: each tool its own system's (ours the host's, the reference the chroot's; their versions may differ).");
        if (targets.Contains(CompareTarget.Partition))
            lines.Add($"Partition targets: ours {(readback ? "with its read-back of the written slot (the default)" : "without read-back (SYSUPDATE_READBACK=0)")}; systemd-sysupdate 262.1 has no read-back.");
        return lines;
    }
}
