using System.Globalization;

namespace SysUpdate.Benchmarks;

/// <summary>
/// Whole-process time of the published <c>sysupdate --definitions=transfer.d/demo check-new</c>, the
/// timer's question: the demo definitions fetch <c>SHA256SUMS</c> (and its signature) from the demo's
/// server address, so this serves versions 1 and 2 there in-process and creates the demo disk image
/// when the demo has not run yet.
/// </summary>
internal static class StartupBenchmark
{
    private const int WarmUps = 3;

    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        int runs = args.GetInt("runs", 21);
        string root = RepoLayout.FindRoot();
        string binary = RepoLayout.SysUpdateBinary(root);
        string source = Path.Combine("/var/tmp", "sysupdate-startup-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var build = await ChildProcess.RunAsync("bash", [Path.Combine(root, "testimages", "build.sh"), source, "1", "2"], pollRss: false, root).ConfigureAwait(false);
            if (build.ExitCode != 0)
                throw new BenchmarkSetupException($"testimages/build.sh failed: {build.Output.Trim()}");

            DemoDisk.EnsureExists();
            Environment.SetEnvironmentVariable("SYSTEMD_OPENPGP_KEYRING", Path.Combine(source, "import-pubring.pgp"));
            Environment.SetEnvironmentVariable("SYSUPDATE_CACHE_DIRECTORY", Path.Combine(source, ".cache"));
            await using var server = await InProcessImageServer.StartAsync(source, DemoDisk.ServerPort).ConfigureAwait(false);
            string[] arguments = [$"--definitions={Path.Combine(root, "transfer.d", "demo")}", "check-new"];
            var times = new List<double>();
            int? exitCode = null;
            for (int i = 0; i < WarmUps + runs; i++)
            {
                var result = await ChildProcess.RunAsync(binary, arguments, pollRss: false).ConfigureAwait(false);
                if (exitCode is null)
                {
                    exitCode = result.ExitCode;
                    Console.Error.WriteLine($"exit code {result.ExitCode}, output: {result.Output.Trim()}");
                }
                else if (result.ExitCode != exitCode)
                {
                    throw new BenchmarkSetupException($"run {i + 1} exited with {result.ExitCode}, the first with {exitCode}: {result.Output.Trim()}");
                }
                if (i >= WarmUps)
                    times.Add(result.Wall.TotalMilliseconds);
            }

            times.Sort();
            double Percentile(double p) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(p * times.Count) - 1)];
            Console.WriteLine();
            Console.WriteLine($"`{binary} {string.Join(' ', arguments)}` — {runs} runs after {WarmUps} warm-ups, exit code {exitCode}");
            Console.WriteLine();
            Console.WriteLine("| runs | min ms | median ms | p90 ms | max ms |");
            Console.WriteLine("|---|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {runs} | {times[0]:F1} | {Percentile(0.5):F1} | {Percentile(0.9):F1} | {times[^1]:F1} |"));
            return 0;
        }
        finally
        {
            if (Directory.Exists(source))
                Directory.Delete(source, recursive: true);
        }
    }
}
