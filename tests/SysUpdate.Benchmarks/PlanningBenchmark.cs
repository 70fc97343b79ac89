using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SysUpdate.Core.Config;
using SysUpdate.Core.Instances;
using SysUpdate.Core.Manifests;
using SysUpdate.Core.Planning;
using SysUpdate.Core.Versions;

namespace SysUpdate.Benchmarks;

/// <summary>
/// How planning grows with the number of versions in a manifest: for each size, a <c>SHA256SUMS</c> with that
/// many <c>app_VERSION.img</c> entries is timed stage by stage in-process (parse, match and sort, plan) and as a
/// whole process (the published <c>sysupdate --definitions=DIR check-new</c> fetching it from Kestrel on
/// loopback). Near-linear growth shows as a time ratio close to the size ratio.
/// </summary>
internal static class PlanningBenchmark
{
    private const string Pattern = "app_@v.img";

    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        int[] sizes = args.Get("sizes", "10000,100000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        int runs = args.GetInt("runs", 3);
        string root = RepoLayout.FindRoot();
        string binary = RepoLayout.SysUpdateBinary(root);

        var rows = new List<string>();
        foreach (int size in sizes)
        {
            string work = Directory.CreateTempSubdirectory("sysupdate-planning-").FullName;
            try
            {
                byte[] manifest = WriteFixture(work, size);
                var stages = new List<(double Parse, double Match, double Plan)>();
                for (int i = 0; i < runs + 1; i++)
                {
                    var measured = MeasureStages(manifest, work);
                    if (i > 0)
                        stages.Add(measured);
                }

                await using var server = await InProcessImageServer.StartAsync(Path.Combine(work, "srv")).ConfigureAwait(false);
                File.WriteAllText(Path.Combine(work, "defs", "50-app.transfer"), Transfer(server.BaseUrl, Path.Combine(work, "dst")));
                Environment.SetEnvironmentVariable("SYSUPDATE_CACHE_DIRECTORY", Path.Combine(work, "cache"));
                var walls = new List<double>();
                for (int i = 0; i < runs; i++)
                {
                    var result = await ChildProcess.RunAsync(binary, [$"--definitions={Path.Combine(work, "defs")}", "check-new"], pollRss: false).ConfigureAwait(false);
                    if (result.ExitCode != 0 || !result.Output.Contains(Newest(size), StringComparison.Ordinal))
                        throw new BenchmarkSetupException($"check-new with {size} versions exited {result.ExitCode} without offering {Newest(size)}: {result.Output.Trim()}");
                    walls.Add(result.Wall.TotalMilliseconds);
                }

                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {size} | {manifest.Length / 1024.0 / 1024.0:F1} | {Median(stages.Select(s => s.Parse))} | {Median(stages.Select(s => s.Match))} | {Median(stages.Select(s => s.Plan))} | {Median(walls)} |"));
                Console.Error.WriteLine($"{size} versions done");
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Planning with N versions in one SHA256SUMS (median of {runs} runs; check-new = whole process `{binary} --definitions=DIR check-new` against Kestrel on 127.0.0.1):");
        Console.WriteLine();
        Console.WriteLine("| versions | manifest MiB | parse ms | match+sort ms | plan ms | check-new ms |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (string row in rows)
            Console.WriteLine(row);
        return 0;
    }

    private static string Version(int i) => string.Create(CultureInfo.InvariantCulture, $"{1 + (i / 1000)}.{i % 1000}");

    private static string Newest(int size) => Version(size - 1);

    /// <summary>srv/SHA256SUMS with <paramref name="size"/> entries in name order, as a publisher's <c>sha256sum *</c> lists them;
    /// dst/ with the two oldest versions installed; defs/ for the definitions.</summary>
    private static byte[] WriteFixture(string work, int size)
    {
        Directory.CreateDirectory(Path.Combine(work, "srv"));
        Directory.CreateDirectory(Path.Combine(work, "dst"));
        Directory.CreateDirectory(Path.Combine(work, "defs"));
        var names = Enumerable.Range(0, size).Select(i => $"app_{Version(i)}.img").Order(StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (string name in names)
            text.Append(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))).Append(" *").Append(name).Append('\n');
        byte[] manifest = Encoding.UTF8.GetBytes(text.ToString());
        File.WriteAllBytes(Path.Combine(work, "srv", "SHA256SUMS"), manifest);
        File.WriteAllBytes(Path.Combine(work, "dst", $"app_{Version(0)}.img"), [0]);
        File.WriteAllBytes(Path.Combine(work, "dst", $"app_{Version(1)}.img"), [1]);
        return manifest;
    }

    private static string Transfer(Uri server, string target) =>
        $"[Transfer]\nVerify=no\n\n[Source]\nType=url-file\nPath={server}\nMatchPattern={Pattern}\n\n[Target]\nType=regular-file\nPath={target}\nMatchPattern={Pattern}\n";

    /// <summary>The stages the CLI runs for a url-file source, in-process: parse the manifest, match each entry
    /// against the pattern and sort newest first (as UrlSource does), plan against the installed instances.</summary>
    private static (double Parse, double Match, double Plan) MeasureStages(byte[] manifestBytes, string work)
    {
        var pattern = MatchPattern.Parse(Pattern);
        var clock = Stopwatch.StartNew();
        var manifest = Sha256SumsParser.Parse(manifestBytes, "SHA256SUMS", DateTimeOffset.UtcNow, verifyFreshness: true);
        double parse = clock.Elapsed.TotalMilliseconds;

        clock.Restart();
        var found = new List<Instance>(manifest.Entries.Count);
        foreach (var entry in manifest.Entries)
        {
            if (MatchPatterns.MatchAny([pattern], entry.Name, out var metadata) is PatternMatch.Yes or PatternMatch.YesAndRetry)
                found.Add(new Instance("http://127.0.0.1/" + entry.Name, metadata with { Sha256 = entry.Sha256Hex }));
        }
        var sources = InstanceOrder.NewestFirst(found);
        double match = clock.Elapsed.TotalMilliseconds;

        var installed = InstanceOrder.NewestFirst(Directory.GetFiles(Path.Combine(work, "dst"))
            .Select(path => new Instance(path, new InstanceMetadata { Version = Path.GetFileName(path)[4..^4] })));
        var transfer = new Transfer
        {
            Id = "50-app",
            DefinitionPath = "/defs/50-app.transfer",
            Source = new Resource { Type = ResourceType.UrlFile, Path = "http://127.0.0.1/", Patterns = [pattern] },
            Target = new Resource { Type = ResourceType.RegularFile, Path = "/dst", Patterns = [pattern] },
            InstancesMax = 2,
        };
        clock.Restart();
        var plan = UpdatePlanner.Plan([new TransferInstances(transfer, sources, installed)], offline: false);
        double planned = clock.Elapsed.TotalMilliseconds;
        if (plan.Candidate?.Version != Newest(manifest.Entries.Count))
            throw new BenchmarkSetupException($"planning chose {plan.Candidate?.Version ?? "nothing"}, expected {Newest(manifest.Entries.Count)}");
        return (parse, match, planned);
    }

    private static string Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2].ToString("F0", CultureInfo.InvariantCulture);
    }
}
