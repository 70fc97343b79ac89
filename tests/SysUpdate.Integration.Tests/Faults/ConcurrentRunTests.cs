using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SysUpdate.Core.Disk;
using SysUpdate.Integration.Tests.Faults.Support;
using SysUpdate.Integration.Tests.Support;
using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Faults;

/// <summary>
/// Two <c>update</c> runs at once against a paced server (a 1 MiB image takes about a second), 20
/// times each: CLI + CLI on a regular-file target, CLI + CLI on a two-slot GPT image, and CLI +
/// Varlink through <c>systemd-socket-activate --accept</c> (every connection its own process, as the
/// shipped socket unit). Each repetition publishes a new version; afterwards one run installed it and
/// the other either found nothing to do (it waited) or failed with one line naming the target and
/// "another update … is running"; nothing printed a stack trace; the committed bytes are the
/// published ones; <c>list</c> shows exactly the new and the previous version; <c>check-new</c> finds
/// nothing. The second run starts after a seeded random delay (the seed is logged for replay).
/// </summary>
[Trait("Category", "Slow")]
[Collection(FaultsCollection.Name)]
public sealed partial class ConcurrentRunTests(ITestOutputHelper output)
{
    private const int Repetitions = 20;
    private const int ImageSize = 1024 * 1024;
    private const long BytesPerSecond = 1024 * 1024;
    private const string FileTarget = "/var/lib/images";
    private const string Disk = "/disk.img";
    private const long SlotSize = 2 * 1024 * 1024;

    [Fact]
    public async Task Update_TwoCliRunsOnRegularFileTarget_OneInstallsOtherWaitsOrRefusesBytesIntact()
    {
        await using var bench = await FaultBench.StartAsync(BytesPerSecond, logLevel: "warning");
        WriteTransfer(bench, $"Type=regular-file\nPath={FileTarget}\nMatchPattern=usr_@v.raw\nInstancesMax=2");
        await RaceAsync(bench, FileTarget, (_, _) => bench.RunAsync("update"), AssertFileTarget);
    }

    [Fact]
    public async Task Update_TwoCliRunsOnPartitionTarget_OneInstallsOtherWaitsOrRefusesSlotsIntact()
    {
        await using var bench = await FaultBench.StartAsync(BytesPerSecond, logLevel: "warning");
        CreateDisk(bench);
        WriteTransfer(bench, $"Type=partition\nPath={Disk}\nMatchPattern=usr_@v\nMatchPartitionType=usr");
        await RaceAsync(bench, Disk, (_, _) => bench.RunAsync("update"), AssertPartitionTarget);
    }

    [SocketActivateFact]
    public async Task Update_CliAndSocketActivatedVarlink_OneInstallsOtherWaitsOrIsBusyBytesIntact()
    {
        await using var bench = await FaultBench.StartAsync(BytesPerSecond, logLevel: "warning");
        WriteTransfer(bench, $"Type=regular-file\nPath={FileTarget}\nMatchPattern=usr_@v.raw\nInstancesMax=2");
        using var varlink = await SocketActivatedVarlink.StartAsync(bench.SysUpdate, bench.Combine("sysupdate.sock"), "--root=" + bench.Root, "varlink");

        await RaceAsync(bench, FileTarget, async (repetition, version) =>
        {
            var reply = await varlink.CallAsync("io.systemd.SysUpdate.Update", new JsonObject { ["target"] = new JsonObject { ["class"] = "host" } });
            string because = $"{repetition}: Varlink Update";
            RunAssert.NoStackTrace(new ProcessResult(["(varlink server)"], 0, "", varlink.StandardError), because);
            // Success installs the published version; NoUpdateNeeded means it waited for the CLI run;
            // Busy is the one-line refusal's Varlink form.
            Assert.True(reply.Error switch
            {
                null => reply.Parameters["version"]?.GetValue<string>() == version,
                "io.systemd.SysUpdate.NoUpdateNeeded" or "io.systemd.SysUpdate.Busy" => true,
                _ => false,
            }, $"{because}: unexpected reply {reply}\nserver stderr:\n{varlink.StandardError}");
            return new ProcessResult(["varlink", "Update"], reply.Error is null or "io.systemd.SysUpdate.NoUpdateNeeded" ? 0 : Busy, reply.Json + "\n", "");
        }, AssertFileTarget);
        RunAssert.NoStackTrace(new ProcessResult(["(varlink server)"], 0, "", varlink.StandardError), "the Varlink servers over all repetitions");
    }

    /// <summary>Exit status stand-in for a Varlink <c>Busy</c> reply (already checked where it was received).</summary>
    private const int Busy = -1;

    private async Task RaceAsync(FaultBench bench, string targetPath, Func<string, string, Task<ProcessResult>> second,
        Action<FaultBench, IReadOnlyDictionary<string, byte[]>, string> assertTarget)
    {
        int seed = FaultSeed.Next(output);
        var random = new Random(seed);
        var published = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (int rep = 1; rep <= Repetitions; rep++)
        {
            string version = $"v{rep}";
            byte[] image = RandomNumberGenerator.GetBytes(ImageSize);
            published[version] = image;
            bench.Publish($"usr-{version}.raw", image);
            string because = $"repetition {rep} (seed {seed})";

            int delay = random.Next(0, 400);
            bool secondFirst = random.Next(2) == 0;
            Task<ProcessResult> a, b;
            if (secondFirst)
            {
                b = second(because, version);
                await Task.Delay(delay);
                a = bench.RunAsync("update");
            }
            else
            {
                a = bench.RunAsync("update");
                await Task.Delay(delay);
                b = second(because, version);
            }
            var results = await Task.WhenAll(a, b);

            foreach (var result in results)
            {
                RunAssert.NoStackTrace(result, because);
                if (result.ExitCode is not (0 or Busy))
                    AssertRefusedBecauseBusy(result, targetPath, because);
            }
            Assert.True(results.Any(r => r.ExitCode == 0), $"{because}: neither run succeeded\n{results[0]}\n{results[1]}");

            assertTarget(bench, published, because);
            var (current, all) = await bench.ListInstalledAsync();
            Assert.True(current == version, $"{because}: list shows '{current}' as current, expected {version}");
            string[] expected = rep == 1 ? [version] : [version, $"v{rep - 1}"];
            Assert.True(all.SequenceEqual(expected), $"{because}: list shows [{string.Join(", ", all)}], expected [{string.Join(", ", expected)}] (nothing partial or pending)");
            await bench.AssertNothingNewAsync(because);
            output.WriteLine($"{because}: second run started {delay} ms {(secondFirst ? "before" : "after")}; exits {results[0].ExitCode}/{results[1].ExitCode}");
        }
    }

    private static void AssertRefusedBecauseBusy(ProcessResult result, string targetPath, string because)
    {
        string line = RunAssert.FailedWithOneLine(result, because + ": the run that lost the race", targetPath);
        Assert.True(AnotherUpdateRunning().IsMatch(line), $"{because}: the losing run must say another update of the target is running\n{result}");
    }

    [GeneratedRegex("another update .*is running", RegexOptions.IgnoreCase)]
    private static partial Regex AnotherUpdateRunning();

    private static void WriteTransfer(FaultBench bench, string target) => bench.WriteTransfer("10-usr.transfer", $"""
        [Transfer]
        Verify=no

        [Source]
        Type=url-file
        Path={bench.Server.Url}
        MatchPattern=usr-@v.raw

        [Target]
        {target}
        """);

    private static readonly Guid UsrType = GptPartitionTypes.TryResolve("usr", out Guid type) ? type : throw new InvalidOperationException("no usr partition type");

    private static void CreateDisk(FaultBench bench) =>
        GptImageBuilder.Create(bench.InRoot(Disk), 8 * 1024 * 1024,
            [new GptPartitionSpec(UsrType, "_empty", SlotSize), new GptPartitionSpec(UsrType, "_empty", SlotSize)]);

    /// <summary>The target directory holds exactly the newest two versions, byte-identical, and nothing else.</summary>
    private static void AssertFileTarget(FaultBench bench, IReadOnlyDictionary<string, byte[]> published, string because)
    {
        string dir = bench.InRoot(FileTarget);
        var newest = Newest(published);
        Assert.True(Payloads.Names(dir).SequenceEqual(newest.Select(v => $"usr_{v}.raw").Order(StringComparer.Ordinal)),
            $"{because}: {dir} holds [{string.Join(", ", Payloads.Names(dir))}], expected the installed [{string.Join(", ", newest)}] and nothing partial or pending");
        foreach (var version in newest)
            Assert.True(Sha(File.ReadAllBytes(Path.Combine(dir, $"usr_{version}.raw"))) == Sha(published[version]),
                $"{because}: usr_{version}.raw differs from the published image");
    }

    /// <summary>The two slots hold the newest two versions, each the published bytes.</summary>
    private static void AssertPartitionTarget(FaultBench bench, IReadOnlyDictionary<string, byte[]> published, string because)
    {
        string disk = bench.InRoot(Disk);
        using var gpt = GptDisk.Open(disk, writable: false);
        var newest = Newest(published);
        var expected = newest.Select(v => $"usr_{v}").Concat(Enumerable.Repeat("_empty", gpt.Partitions.Count - newest.Count)).Order(StringComparer.Ordinal);
        Assert.True(gpt.Partitions.Select(p => p.Name).Order(StringComparer.Ordinal).SequenceEqual(expected),
            $"{because}: slots are [{string.Join(", ", gpt.Partitions.Select(p => $"{p.Number}:{p.Name} {p.Type}"))}], expected [{string.Join(", ", newest.Select(v => "usr_" + v))}]");
        foreach (var version in newest)
        {
            var slot = gpt.Partitions.Single(p => p.Name == $"usr_{version}");
            Assert.True(slot.Type == UsrType, $"{because}: slot {slot.Number} (usr_{version}) has type {slot.Type}, not the usr type: not committed");
            Assert.True(SlotSha(disk, slot.StartBytes, published[version].Length) == Sha(published[version]),
                $"{because}: slot {slot.Number} (usr_{version}) differs from the published image");
        }
    }

    /// <summary>The newest two published versions (rep numbers compare numerically).</summary>
    private static IReadOnlyList<string> Newest(IReadOnlyDictionary<string, byte[]> published) =>
        published.Keys.OrderByDescending(v => int.Parse(v[1..], System.Globalization.CultureInfo.InvariantCulture)).Take(2).ToList();

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string SlotSha(string disk, long offset, int length)
    {
        var buffer = new byte[length];
        using var handle = File.OpenHandle(disk);
        Assert.Equal(length, RandomAccess.Read(handle, buffer, offset));
        return Sha(buffer);
    }
}
