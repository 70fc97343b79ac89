using System.Globalization;
using System.Security.Cryptography;
using SysUpdate.Integration.Tests.Http;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Benchmarks;

/// <summary>
/// Full versus delta update of a random-like image whose v2 differs from v1 in a few contiguous regions,
/// published with the real <c>casync make</c> and served by nginx behind one aggregate rate limit (a
/// vendor's uplink): v1 is installed in a file target, then <c>sysupdate update</c> fetches v2 once with
/// no index in SHA256SUMS (the full download) and once with <c>usr_2.raw.caibx</c> and
/// <c>default.castr/</c> published. Wall time, bytes the server sent (counted by the proxy) and peak RSS
/// of each, side by side, and the ratio delta/full.
/// </summary>
internal static class DeltaBenchmark
{
    private const long MiB = 1024 * 1024;

    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        long size = args.GetInt("size-mib", 1024) * MiB;
        double rate = args.GetDouble("rate-mib", 40) * MiB;
        int rounds = args.GetInt("rounds", 1);
        double changed = args.GetDouble("changed", 0.05);
        string root = RepoLayout.FindRoot();
        string binary = args.Get("sysupdate", string.Empty) is { Length: > 0 } given ? Path.GetFullPath(given) : RepoLayout.SysUpdateBinary(root);
        foreach (string tool in new[] { binary, NginxServer.Executable, DeltaRelease.CasyncExecutable })
        {
            if (!File.Exists(tool))
                throw new BenchmarkSetupException($"{tool} does not exist (apt-get install nginx-light casync; {RepoLayout.PublishCommand})");
        }
        string parent = args.Get("work-dir", "/var/tmp");
        long needed = (6 * size) + MiB * 512; // v1, v2, store, installed v1 + v2, slack
        long free = new DriveInfo(parent).AvailableFreeSpace;
        if (free < needed)
        {
            Console.WriteLine($"skipped: {parent} has {free / MiB} MiB free, a {size / MiB} MiB run needs about {needed / MiB} MiB (use --work-dir)");
            return 0;
        }
        string work = Directory.CreateDirectory(Path.Combine(parent, "sysupdate-delta-bench-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        try
        {
            return await RunInAsync(work, binary, size, rate, rounds, changed).ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<int> RunInAsync(string work, string binary, long size, double rate, int rounds, double changed)
    {
        Console.Error.WriteLine($"building v1 and v2 ({size / MiB} MiB, {changed:P0} changed in regions ≥ 256 KiB) and casync indexes in {work} ...");
        var release = await DeltaRelease.BuildAsync(Path.Combine(work, "release"),
            new DeltaReleaseOptions { ImageSize = size, ChangedFraction = changed, Seed = 12 }).ConfigureAwait(false);
        Console.Error.WriteLine($"  chunks only v2 has: {release.V2OnlyChunks.Count}, {release.V2OnlyChunkBytes / (double)MiB:F1} MiB (the least a delta update fetches)");
        await using var nginx = await NginxServer.StartAsync(release.Directory).ConfigureAwait(false);
        await using var proxy = new RateLimitedProxy(nginx.Port, rate);
        string sysroot = Path.Combine(work, "root");
        string target = Directory.CreateDirectory(Path.Combine(sysroot, "var", "lib", "bench")).FullName;
        string definitions = Directory.CreateDirectory(Path.Combine(sysroot, "etc", "sysupdate.d")).FullName;
        await File.WriteAllTextAsync(Path.Combine(definitions, "bench.transfer"), $"""
            [Transfer]
            Verify=no
            InstancesMax=2

            [Source]
            Type=url-file
            Path={proxy.BaseUrl}
            MatchPattern=usr_@v.raw

            [Target]
            Type=regular-file
            Path=/var/lib/bench
            MatchPattern=usr_@v.raw

            """).ConfigureAwait(false);

        var samples = new List<DeltaSample>();
        for (int round = 0; round < rounds; round++)
        {
            // Alternate which goes first, so neither always meets a warm page cache.
            foreach (string mode in round % 2 == 0 ? new[] { "full", "delta" } : ["delta", "full"])
            {
                await release.WriteManifestAsync(mode == "delta" ? IndexPublication.Published : IndexPublication.NotListed).ConfigureAwait(false);
                foreach (string old in Directory.EnumerateFiles(target))
                    File.Delete(old);
                File.Copy(release.V1Image, Path.Combine(target, release.ImageName(1))); // v1 installed
                string cache = Directory.CreateDirectory(Path.Combine(work, $"cache-{round}-{mode}")).FullName;
                PageCache.WriteBackAll();
                proxy.ResetCount();
                var child = await ChildProcess.RunAsync(binary, [$"--root={sysroot}", "update"], pollRss: true,
                    environment: new Dictionary<string, string> { ["SYSUPDATE_CACHE_DIRECTORY"] = cache }).ConfigureAwait(false);
                if (child.ExitCode != 0)
                    throw new BenchmarkSetupException($"sysupdate --root={sysroot} update ({mode}) failed with exit code {child.ExitCode}:\n{child.Output.Trim()}");
                string installed = Path.Combine(target, release.ImageName(2));
                if (!File.Exists(installed) || Sha256(installed) != release.Sha256(2))
                    throw new BenchmarkSetupException($"{installed}: missing or not the v2 image after the {mode} update");
                var sample = new DeltaSample(mode, child.Wall, proxy.BytesToClients, child.PeakRssBytes);
                samples.Add(sample);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round + 1}/{rounds} {mode}: {sample.Wall.TotalSeconds:F2} s, served {sample.BytesServed / (double)MiB:F1} MiB, peak RSS {sample.PeakRssBytes / (double)MiB:F1} MiB"));
                Directory.Delete(cache, recursive: true);
            }
        }
        Print(samples, size, rate, rounds);
        return 0;
    }

    private static void Print(List<DeltaSample> samples, long size, double rate, int rounds)
    {
        double Median(string mode, Func<DeltaSample, double> value)
        {
            var sorted = samples.Where(s => s.Mode == mode).Select(value).Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }
        var rows = new[] { "full", "delta" }.Select(mode => (
            Mode: mode,
            Wall: Median(mode, s => s.Wall.TotalSeconds),
            Served: Median(mode, s => s.BytesServed),
            Rss: samples.Where(s => s.Mode == mode).Max(s => s.PeakRssBytes))).ToList();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{size / (double)MiB:F0} MiB image, served by nginx behind an aggregate {rate / MiB:F0} MiB/s limit; median of {rounds} round(s), peak RSS the largest."));
        Console.WriteLine();
        Console.WriteLine("| update | wall s | served MiB | served % of image | peak RSS MiB |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var row in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Mode} | {row.Wall:F2} | {row.Served / MiB:F1} | {row.Served / size:P1} | {row.Rss / (double)MiB:F1} |"));
        }
        double wallRatio = rows[1].Wall / rows[0].Wall;
        double bytesRatio = rows[1].Served / rows[0].Served;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"delta/full: wall {wallRatio:F3}, bytes {bytesRatio:F3} (goal: wall ≤ 0.2, peak RSS ≤ 100 MiB)"));
        if (bytesRatio > 0.5)
            Console.WriteLine("NOTE: the delta run fetched about as much as the full one: this sysupdate does not use the published .caibx index (no delta support yet, or it fell back; see its log).");
    }

    private static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }
}
