using System.Security.Cryptography;
using SysUpdate.Core.Disk;
using SysUpdate.Integration.Tests.Faults.Support;
using SysUpdate.Integration.Tests.Support;
using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Faults;

/// <summary>
/// SIGKILL campaigns, 18 kill points per target kind (54 in all): a plain <c>update</c> of a new
/// version against a paced server is killed from the test at a moment chosen from what it shows —
/// its <c>.sysupdate.partial.*</c> file or tree reaching a random or its full size, the pending entry
/// appearing, the GPT slot being claimed under the new label, a progress line, each plus a random
/// delay, or a random delay after the start — never through a hook in the product. After each kill a plain <c>update</c> (no vacuum) must exit 0 and leave the
/// new version installed with the published bytes, the previous version untouched, no leftovers,
/// <c>CurrentSymlink=</c> on the newest version with no <c>.#</c> temporary link; at the end <c>list</c>
/// shows exactly the last two versions. The seed is logged (replay with FAULTS_SEED=).
/// </summary>
[Trait("Category", "Slow")]
[Collection(FaultsCollection.Name)]
public sealed class KillCampaignTests(ITestOutputHelper output)
{
    private const int KillPoints = 18;
    private const int ImageSize = 1024 * 1024;
    // About two seconds of transfer per image, so the moments aimed into the transfer (a progress line, a time after
    // the start, a partial size) land there.
    private const long BytesPerSecond = 512 * 1024;

    private const string FileTarget = "/var/lib/images";
    private const string TreeTarget = "/var/lib/machines";
    private const string Symlink = "/var/lib/os-current";
    private const string Disk = "/disk.img";

    [Fact]
    public async Task Update_KilledAtRandomPointsIntoRegularFileTarget_NextPlainUpdateInstallsPublishedBytes()
    {
        await using var bench = await FaultBench.StartAsync(BytesPerSecond);
        bench.WriteTransfer("10-usr.transfer", UrlFileTransfer(bench, $"Type=regular-file\nPath={FileTarget}\nMatchPattern=usr_@v.raw\nInstancesMax=2"));
        var published = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        string dir = bench.InRoot(FileTarget);

        await CampaignAsync(bench, (random, _) => KillMoment.ForFileSystem(random, dir, ImageSize),
            publish: version =>
            {
                published[version] = RandomNumberGenerator.GetBytes(ImageSize);
                bench.Publish($"usr-{version}.raw", published[version]);
            },
            assertInstalled: (versions, because) =>
            {
                AssertOnlyEntries(dir, versions.Select(v => $"usr_{v}.raw"), because);
                foreach (var v in versions)
                    Assert.True(Sha(File.ReadAllBytes(Path.Combine(dir, $"usr_{v}.raw"))) == Sha(published[v]), $"{because}: usr_{v}.raw differs from the published image");
            });
    }

    [Fact]
    public async Task Update_KilledAtRandomPointsIntoTarTargetWithCurrentSymlink_NextPlainUpdateInstallsTreeAndRepairsSymlink()
    {
        await using var bench = await FaultBench.StartAsync(BytesPerSecond);
        bench.WriteTransfer("10-os.transfer", $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-tar
            Path={bench.Server.Url}
            MatchPattern=os-@v.tar

            [Target]
            Type=directory
            Path={TreeTarget}
            MatchPattern=os_@v
            CurrentSymlink={Symlink}
            InstancesMax=2
            """);
        var published = new Dictionary<string, TarTree>(StringComparer.Ordinal);
        string dir = bench.InRoot(TreeTarget);
        string link = bench.InRoot(Symlink);

        await CampaignAsync(bench, (random, _) => KillMoment.ForFileSystem(random, dir, ImageSize),
            publish: version =>
            {
                published[version] = new TarTree(version, ImageSize);
                bench.Publish($"os-{version}.tar", published[version].Tarball);
            },
            assertInstalled: (versions, because) =>
            {
                AssertOnlyEntries(dir, versions.Select(v => $"os_{v}"), because);
                foreach (var v in versions)
                    Assert.True(TarTree.DigestOf(Path.Combine(dir, $"os_{v}")) == published[v].Digest, $"{because}: the tree os_{v} differs from the published tarball");
                string? target = new FileInfo(link).LinkTarget;
                Assert.True(target is not null && Path.GetFileName(Path.TrimEndingDirectorySeparator(target)) == $"os_{versions[0]}"
                    && Directory.Exists(Path.Combine(Path.GetDirectoryName(link)!, target)),
                    $"{because}: {Symlink} points at '{target}', expected the newest installed os_{versions[0]}");
                var temporaries = Payloads.Names(Path.GetDirectoryName(link)!).Where(n => n.StartsWith(".#", StringComparison.Ordinal)).ToList();
                Assert.True(temporaries.Count == 0, $"{because}: temporary symlinks left next to {Symlink}: {string.Join(", ", temporaries)}");
            });
    }

    [Fact]
    public async Task Update_KilledAtRandomPointsIntoPartitionTarget_NextPlainUpdateInstallsPublishedBytes()
    {
        await using var bench = await FaultBench.StartAsync(BytesPerSecond);
        Assert.True(GptPartitionTypes.TryResolve("usr", out Guid usrType));
        string disk = bench.InRoot(Disk);
        GptImageBuilder.Create(disk, 8 * 1024 * 1024,
            [new GptPartitionSpec(usrType, "_empty", 2 * 1024 * 1024), new GptPartitionSpec(usrType, "_empty", 2 * 1024 * 1024)]);
        bench.WriteTransfer("10-usr.transfer", UrlFileTransfer(bench, $"Type=partition\nPath={Disk}\nMatchPattern=usr_@v\nMatchPartitionType=usr"));
        var published = new Dictionary<string, byte[]>(StringComparer.Ordinal);

        await CampaignAsync(bench, (random, version) => KillMoment.ForPartition(random, disk, $"usr_{version}"),
            publish: version =>
            {
                published[version] = RandomNumberGenerator.GetBytes(ImageSize);
                bench.Publish($"usr-{version}.raw", published[version]);
            },
            assertInstalled: (versions, because) =>
            {
                using var gpt = GptDisk.Open(disk, writable: false);
                var slots = gpt.Partitions.Select(p => $"{p.Number}:{p.Name}:{(p.Type == usrType ? "usr" : p.Type.ToString())}").ToList();
                var expected = versions.Select(v => ($"usr_{v}", usrType))
                    .Concat(Enumerable.Repeat(("_empty", usrType), gpt.Partitions.Count - versions.Count))
                    .OrderBy(p => p.Item1, StringComparer.Ordinal);
                Assert.True(gpt.Partitions.Select(p => (p.Name, p.Type)).OrderBy(p => p.Name, StringComparer.Ordinal).SequenceEqual(expected),
                    $"{because}: slots are [{string.Join(", ", slots)}], expected usr_{string.Join(" and usr_", versions)} of the usr type, any other slot _empty");
                foreach (var v in versions)
                {
                    var slot = gpt.Partitions.Single(p => p.Name == $"usr_{v}");
                    var bytes = new byte[ImageSize];
                    using var handle = File.OpenHandle(disk);
                    Assert.Equal(ImageSize, RandomAccess.Read(handle, bytes, slot.StartBytes));
                    Assert.True(Sha(bytes) == Sha(published[v]), $"{because}: slot {slot.Number} (usr_{v}) differs from the published image");
                }
            });
    }

    /// <summary>
    /// Installs v0, then for each kill point publishes the next version, kills an update of it, runs a
    /// plain update and checks that the new and the previous version are installed, nothing else.
    /// </summary>
    /// <param name="pick">Chooses when to kill the update to a version.</param>
    private async Task CampaignAsync(FaultBench bench, Func<Random, string, KillMoment> pick,
        Action<string> publish, Action<IReadOnlyList<string>, string> assertInstalled)
    {
        int seed = FaultSeed.Next(output);
        var random = new Random(seed);

        publish("v0");
        (await bench.RunAsync("update")).ShouldExit(0);
        assertInstalled(["v0"], $"seed {seed}: v0 installed before the campaign");

        int hits = 0;
        for (int k = 1; k <= KillPoints; k++)
        {
            string version = $"v{k}";
            publish(version);
            var moment = pick(random, version);
            string because = $"kill point {k} of {KillPoints} (seed {seed}, SIGKILL at {moment})";

            ProcessResult killed;
            using (var run = bench.Start("update"))
            {
                await moment.WaitAsync(run);
                run.Kill();
                killed = await run.WaitForExitAsync();
                if (run.KilledWhileRunning)
                    hits++;
                else
                    Assert.True(killed.ExitCode == 0, $"{because}: the run ended on its own, and not successfully\n{killed}");
            }

            var recovery = await bench.RunAsync("update");
            RunAssert.NoStackTrace(recovery, because);
            Assert.True(recovery.ExitCode == 0,
                $"{because}: the plain update after the kill must finish the job\n--- killed run:\n{killed}\n--- next run:\n{recovery}");

            assertInstalled([version, $"v{k - 1}"], because);
            output.WriteLine($"{because}: {(killed.ExitCode == 137 || killed.ExitCode < 0 ? "killed" : $"exit {killed.ExitCode}")}, {killed.ErrorLines.Count(l => KillMoment.ProgressPercent(l) >= 0)} progress lines before");
        }
        output.WriteLine($"{hits} of {KillPoints} kills hit a running process");
        var (current, all) = await bench.ListInstalledAsync();
        string[] expected = [$"v{KillPoints}", $"v{KillPoints - 1}"];
        Assert.True(current == expected[0] && all.SequenceEqual(expected),
            $"seed {seed}: after the campaign list shows current '{current}', all [{string.Join(", ", all)}]; expected [{string.Join(", ", expected)}]");
        // A campaign whose kills all come too late tests nothing. Half of the kinds of moment aim at the last few
        // milliseconds of a run (after the last byte: the fsync, the pending entry, the rename), which the NativeAOT
        // build crosses in 10–30 ms, so those mostly end on their own; the other kinds hit, about half the kills in
        // all (7–15 of 18 measured). Requiring half failed about one seed in three; a sixth still fails a campaign
        // whose kills all come late, and a seed that draws few of the kinds that hit passes.
        Assert.True(hits * 6 >= KillPoints, $"seed {seed}: only {hits} of {KillPoints} kills hit a running update");
    }

    private static string UrlFileTransfer(FaultBench bench, string target) => $"""
        [Transfer]
        Verify=no

        [Source]
        Type=url-file
        Path={bench.Server.Url}
        MatchPattern=usr-@v.raw

        [Target]
        {target}
        """;

    /// <summary>The directory holds exactly these names: no partial, pending or temporary leftovers.</summary>
    private static void AssertOnlyEntries(string directory, IEnumerable<string> names, string because)
    {
        var want = names.Order(StringComparer.Ordinal).ToList();
        var got = Payloads.Names(directory);
        Assert.True(got.SequenceEqual(want), $"{because}: {directory} holds [{string.Join(", ", got)}], expected [{string.Join(", ", want)}]");
    }

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
