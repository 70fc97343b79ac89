using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Faults;

/// <summary>
/// <c>--root</c> is a boundary: <c>CurrentSymlink=</c> with <c>..</c> is refused at its file:line (upstream
/// ignores the setting with a warning; we refuse values we cannot act on as written), and symlinks inside
/// the root — absolute or climbing with <c>..</c> — are resolved inside it, never on the host.
/// </summary>
public sealed class RootEscapeTests
{
    [Fact]
    public async Task Update_CurrentSymlinkWithDotDot_RefusedWithFileLineNothingWrittenOutsideRoot()
    {
        await using var bench = await TarFaultBench.StartAsync();
        string transfer = bench.WriteTransfer(extraTarget: "CurrentSymlink=../../../../escaped");
        int line = Array.FindIndex(File.ReadAllLines(transfer), l => l.StartsWith("CurrentSymlink=", StringComparison.Ordinal)) + 1;
        bench.Publish("rootfs-v1.tar", TarFaultBench.GoodRootfs("v1"));
        string outside = Path.GetDirectoryName(bench.Root)!;
        var namesBefore = Payloads.Names(outside);

        var result = await bench.RunAsync("update");

        result.ShouldExit(1);
        string error = Assert.Single(result.ErrorLines);
        Assert.Contains($"{transfer}:{line}", error, StringComparison.Ordinal);
        Assert.Contains("CurrentSymlink=", error, StringComparison.Ordinal);
        Assert.Equal(namesBefore, Payloads.Names(outside));
        Assert.False(Path.Exists(Path.Combine(outside, "escaped")));
        Assert.False(Path.Exists("/escaped"));
        Assert.False(Directory.Exists(Path.Combine(bench.Machines, "rootfs-v1")));
    }

    [Fact]
    public async Task Update_AbsoluteSymlinkInsideRoot_ResolvedInsideRootHostUntouched()
    {
        await using var bench = await TarFaultBench.StartAsync();
        bench.WriteTransfer();
        // /var/lib/machines inside the root is an absolute symlink to a path that also exists on the host.
        string host = bench.Scratch("host-elsewhere");
        Directory.CreateDirectory(Path.Combine(bench.Root, "var/lib"));
        File.CreateSymbolicLink(Path.Combine(bench.Root, "var/lib/machines"), host);
        var hostBefore = TreeSnapshot.Take(host);
        bench.Publish("rootfs-v1.tar", TarFaultBench.GoodRootfs("v1"));

        (await bench.RunAsync("update")).ShouldExit(0);

        hostBefore.AssertSameAs(TreeSnapshot.Take(host), "the host directory the in-root symlink names");
        string inRoot = Path.Combine(bench.Root, host.TrimStart('/'));
        Assert.Equal(["current", "rootfs-v1"], Payloads.Names(inRoot));
        Assert.Equal("rootfs-v1", new FileInfo(Path.Combine(inRoot, "current")).LinkTarget);
        Assert.Equal("ID=test\nIMAGE_VERSION=v1\n", File.ReadAllText(Path.Combine(inRoot, "current/etc/os-release")));
    }

    [Fact]
    public async Task Update_RelativeSymlinkClimbingOutOfRoot_ClampedAtRoot()
    {
        await using var bench = await TarFaultBench.StartAsync();
        bench.WriteTransfer();
        // ../../../../.. from /var/lib climbs above the root on the host; inside the root it stops at /.
        Directory.CreateDirectory(Path.Combine(bench.Root, "var/lib"));
        File.CreateSymbolicLink(Path.Combine(bench.Root, "var/lib/machines"), "../../../../../../../../../../machines-escape");
        bench.Publish("rootfs-v1.tar", TarFaultBench.GoodRootfs("v1"));

        (await bench.RunAsync("update")).ShouldExit(0);

        Assert.False(Path.Exists("/machines-escape"));
        Assert.Equal(["current", "rootfs-v1"], Payloads.Names(Path.Combine(bench.Root, "machines-escape")));
    }
}
