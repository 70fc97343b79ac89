using System.Security.Cryptography;
using SysUpdate.Integration.Tests.Faults.Support;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Faults;

/// <summary>
/// A regular-file target on a 2 MiB tmpfs: a 4 MiB image runs out of space (ENOSPC), and the same
/// target remounted read-only (EROFS). Each run must fail with one stderr line naming the target and
/// no stack trace, leave no partial file behind (an ENOSPC partial would keep the file system full),
/// and keep the installed version byte-identical.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class TmpfsTargetTests
{
    private const string Images = "/var/lib/images";
    private const long BytesPerSecond = 64 * 1024 * 1024;

    [TmpfsFact]
    public async Task Update_ImageLargerThanTmpfsTarget_OneLineErrorPartialRemovedInstalledKept()
    {
        await using var bench = await FaultBench.StartAsync(BytesPerSecond, logLevel: "warning");
        WriteTransfer(bench);
        string dir = bench.InRoot(Images);
        using var tmpfs = TmpfsMount.Create(dir, "2M");
        bench.Publish("usr-v1.raw", RandomNumberGenerator.GetBytes(256 * 1024));
        (await bench.RunAsync("update")).ShouldExit(0);
        var installed = TreeSnapshot.Take(dir);

        bench.Publish("usr-v2.raw", RandomNumberGenerator.GetBytes(4 * 1024 * 1024));
        var result = await bench.RunAsync("update");

        RunAssert.FailedWithOneLine(result, "a 4 MiB image into a 2 MiB tmpfs", Images);
        Assert.True(TargetWatch.Leftovers(dir).Count == 0, $"leftovers after ENOSPC: {string.Join(", ", TargetWatch.Leftovers(dir))}\n{result}");
        installed.AssertSameAs(TreeSnapshot.Take(dir), "after ENOSPC");
    }

    [TmpfsFact]
    public async Task Update_TargetFileSystemReadOnly_OneLineErrorInstalledKept()
    {
        await using var bench = await FaultBench.StartAsync(BytesPerSecond, logLevel: "warning");
        WriteTransfer(bench);
        string dir = bench.InRoot(Images);
        using var tmpfs = TmpfsMount.Create(dir, "2M");
        bench.Publish("usr-v1.raw", RandomNumberGenerator.GetBytes(256 * 1024));
        (await bench.RunAsync("update")).ShouldExit(0);
        var installed = TreeSnapshot.Take(dir);
        tmpfs.RemountReadOnly();

        bench.Publish("usr-v2.raw", RandomNumberGenerator.GetBytes(256 * 1024));
        var result = await bench.RunAsync("update");

        RunAssert.FailedWithOneLine(result, "a read-only target", Images);
        installed.AssertSameAs(TreeSnapshot.Take(dir), "after EROFS");
    }

    private static void WriteTransfer(FaultBench bench) => bench.WriteTransfer("10-usr.transfer", $"""
        [Transfer]
        Verify=no

        [Source]
        Type=url-file
        Path={bench.Server.Url}
        MatchPattern=usr-@v.raw

        [Target]
        Type=regular-file
        Path={Images}
        MatchPattern=usr_@v.raw
        """);
}
