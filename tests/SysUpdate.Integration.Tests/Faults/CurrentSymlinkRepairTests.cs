using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Faults;

/// <summary>
/// A run killed between installing a version and switching <c>CurrentSymlink=</c> leaves a stale
/// <c>.#current…</c> link and <c>current</c> pointing at the old version; the next <c>update</c> (even
/// with nothing to download) or <c>vacuum</c> removes the stale link and repoints <c>current</c> at the
/// newest installed version, also when a vacuum removed what it pointed at.
/// </summary>
public sealed class CurrentSymlinkRepairTests
{
    private static async Task<TarFaultBench> InstalledV1AndV2Async()
    {
        var bench = await TarFaultBench.StartAsync();
        bench.WriteTransfer();
        bench.Publish("rootfs-v1.tar", TarFaultBench.GoodRootfs("v1"));
        (await bench.RunAsync("update")).ShouldExit(0);
        bench.Publish("rootfs-v2.tar", TarFaultBench.GoodRootfs("v2"));
        (await bench.RunAsync("update")).ShouldExit(0);
        return bench;
    }

    /// <summary>The state a SIGKILL after the rename of rootfs-v2 and before the symlink switch leaves.</summary>
    private static void KilledBeforeSwitch(TarFaultBench bench)
    {
        string current = Path.Combine(bench.Machines, "current");
        File.Delete(current);
        File.CreateSymbolicLink(current, "rootfs-v1");
        File.CreateSymbolicLink(Path.Combine(bench.Machines, ".#current5f0c2d9e8b7a4c1d"), "rootfs-v2");
    }

    [Theory]
    [InlineData("update")]
    [InlineData("vacuum")]
    public async Task NextRun_StaleTemporaryAndOldPointer_Repaired(string verb)
    {
        await using var bench = await InstalledV1AndV2Async();
        KilledBeforeSwitch(bench);

        (await bench.RunAsync(verb)).ShouldExit(0);

        Assert.Equal(["current", "rootfs-v1", "rootfs-v2"], Payloads.Names(bench.Machines));
        Assert.Equal("rootfs-v2", new FileInfo(Path.Combine(bench.Machines, "current")).LinkTarget);
    }

    [Fact]
    public async Task Vacuum_PointeeRemoved_RepointedNotDangling()
    {
        await using var bench = await InstalledV1AndV2Async();
        KilledBeforeSwitch(bench);
        Directory.Delete(Path.Combine(bench.Machines, "rootfs-v1"), recursive: true);

        (await bench.RunAsync("vacuum")).ShouldExit(0);

        string current = Path.Combine(bench.Machines, "current");
        Assert.Equal("rootfs-v2", new FileInfo(current).LinkTarget);
        Assert.True(File.Exists(Path.Combine(current, "etc/os-release")));
    }

    [Fact]
    public async Task Update_CurrentAlreadyNewest_LeftAsIs()
    {
        await using var bench = await InstalledV1AndV2Async();
        string current = Path.Combine(bench.Machines, "current");
        var before = FileIdentity.Of(current);

        (await bench.RunAsync("update")).ShouldExit(0);

        Assert.Equal(before, FileIdentity.Of(current));
    }
}
