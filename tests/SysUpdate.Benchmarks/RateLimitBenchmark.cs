using System.Globalization;
using System.Security.Cryptography;

namespace SysUpdate.Benchmarks;

/// <summary>
/// The published <c>sysupdate --rate-limit=</c> downloading one image from Kestrel on loopback (which alone serves
/// it many times faster): whole-process wall time of <c>update</c> with the limit, median of several runs, each
/// into a fresh <c>--root</c>; one unlimited run beside it shows the limit is what sets the time. The goal:
/// 64 MiB at 16 MiB/s takes 3.5–5 s.
/// </summary>
internal static class RateLimitBenchmark
{
    private const double GoalLow = 3.5;
    private const double GoalHigh = 5.0;

    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        int sizeMib = args.GetInt("size-mib", 64);
        string limit = args.Get("limit", "16M");
        int runs = args.GetInt("runs", 5);
        string repo = RepoLayout.FindRoot();
        string binary = RepoLayout.SysUpdateBinary(repo);
        string work = Path.Combine(args.Get("work-dir", "/var/tmp"), "sysupdate-ratelimit-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            string source = Directory.CreateDirectory(Path.Combine(work, "source")).FullName;
            byte[] image = RandomNumberGenerator.GetBytes(sizeMib << 20);
            await File.WriteAllBytesAsync(Path.Combine(source, "usr-1.raw"), image).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(source, "SHA256SUMS"), $"{Convert.ToHexStringLower(SHA256.HashData(image))} *usr-1.raw\n").ConfigureAwait(false);
            await using var server = await InProcessImageServer.StartAsync(source).ConfigureAwait(false);

            var environment = new Dictionary<string, string>
            {
                ["SYSUPDATE_CACHE_DIRECTORY"] = Path.Combine(work, "cache"),
                ["SYSTEMD_LOG_LEVEL"] = "warning",
            };
            int round = 0;
            async Task<double> UpdateAsync(string? rateLimit)
            {
                string root = Path.Combine(work, "root-" + round++.ToString(CultureInfo.InvariantCulture));
                string definitions = Directory.CreateDirectory(Path.Combine(root, "etc", "sysupdate.d")).FullName;
                await File.WriteAllTextAsync(Path.Combine(definitions, "10-usr.transfer"), $"""
                    [Transfer]
                    Verify=no

                    [Source]
                    Type=url-file
                    Path={server.BaseUrl.AbsoluteUri.TrimEnd('/')}
                    MatchPattern=usr-@v.raw

                    [Target]
                    Type=regular-file
                    Path=/var/lib/images
                    MatchPattern=usr-@v.raw
                    """).ConfigureAwait(false);
                string[] arguments = rateLimit is null ? [$"--root={root}", "update"] : [$"--root={root}", $"--rate-limit={rateLimit}", "update"];
                var result = await ChildProcess.RunAsync(binary, arguments, pollRss: false, environment: environment).ConfigureAwait(false);
                if (result.ExitCode != 0 || new FileInfo(Path.Combine(root, "var", "lib", "images", "usr-1.raw")).Length != image.Length)
                    throw new BenchmarkSetupException($"update exited with {result.ExitCode}: {result.Output.Trim()}");
                Directory.Delete(root, recursive: true);
                return result.Wall.TotalSeconds;
            }

            double unlimited = await UpdateAsync(null).ConfigureAwait(false);
            var times = new List<double>();
            for (int i = 0; i < runs; i++)
                times.Add(await UpdateAsync(limit).ConfigureAwait(false));
            times.Sort();
            double median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[(times.Count / 2) - 1] + times[times.Count / 2]) / 2;

            Console.WriteLine();
            Console.WriteLine($"`{binary} --root=… --rate-limit={limit} update` — {sizeMib} MiB url-file from Kestrel on 127.0.0.1, {runs} runs");
            Console.WriteLine();
            Console.WriteLine("| limit | runs | min s | median s | max s | effective MiB/s (median) | unlimited run s |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {limit}/s | {runs} | {times[0]:F2} | {median:F2} | {times[^1]:F2} | {sizeMib / median:F1} | {unlimited:F2} |"));
            if (sizeMib == 64 && limit == "16M")
            {
                bool met = median is >= GoalLow and <= GoalHigh;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"goal: 64 MiB at 16 MiB/s in {GoalLow}–{GoalHigh} s: {(met ? "met" : "NOT met")} (median {median:F2} s)"));
                return met ? 0 : 3;
            }

            return 0;
        }
        finally
        {
            if (Directory.Exists(work))
                Directory.Delete(work, recursive: true);
        }
    }
}
