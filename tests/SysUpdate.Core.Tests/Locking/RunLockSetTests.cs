using SysUpdate.Core;
using SysUpdate.Core.Locking;

namespace SysUpdate.Core.Tests.Locking;

/// <summary>The run lock on real lock files (flock between two open files behaves as between two processes).</summary>
public sealed class RunLockSetTests : IDisposable
{
    private readonly DirectoryInfo _tmp = Directory.CreateTempSubdirectory("sysupdate-runlock-");

    private string LockDirectory => Path.Combine(_tmp.FullName, "locks");

    public void Dispose() => _tmp.Delete(recursive: true);

    private string Target(string name) => Directory.CreateDirectory(Path.Combine(_tmp.FullName, name)).FullName;

    [Fact]
    public async Task AcquireAsync_KeyHeldElsewhere_ThrowsTargetBusyWithHolderPid()
    {
        string target = Target("a");
        using var first = await RunLockSet.AcquireAsync(LockDirectory, RunLockKey.ForDirectory(target), TimeSpan.Zero);

        var busy = await Assert.ThrowsAsync<TargetBusyException>(() =>
            RunLockSet.AcquireAsync(LockDirectory, RunLockKey.ForDirectory(target), TimeSpan.FromMilliseconds(300)));

        Assert.Equal(target, busy.Target);
        Assert.Equal(Environment.ProcessId, busy.HolderPid);
        Assert.Equal(Errno.EBUSY, busy.Errno);
    }

    [Fact]
    public async Task AcquireAsync_AfterDispose_SucceedsAgain()
    {
        string target = Target("a");
        (await RunLockSet.AcquireAsync(LockDirectory, RunLockKey.ForDirectory(target), TimeSpan.Zero)).Dispose();

        using var again = await RunLockSet.AcquireAsync(LockDirectory, RunLockKey.ForDirectory(target), TimeSpan.Zero);

        Assert.True(again.Holds(RunLockKey.ForDirectory(target)[0]));
    }

    [Fact]
    public async Task AcquireAsync_WaitsForARunThatEnds()
    {
        string target = Target("a");
        var first = await RunLockSet.AcquireAsync(LockDirectory, RunLockKey.ForDirectory(target), TimeSpan.Zero);

        var second = RunLockSet.AcquireAsync(LockDirectory, RunLockKey.ForDirectory(target), TimeSpan.FromSeconds(60));
        Assert.False(second.IsCompleted);
        first.Dispose();

        using var taken = await second;
        Assert.True(taken.Holds(RunLockKey.ForDirectory(target)[0]));
    }

    [Fact]
    public async Task AcquireAsync_UnrelatedDirectories_DoNotExcludeEachOther()
    {
        using var a = await RunLockSet.AcquireAsync(LockDirectory, RunLockKey.ForDirectory(Target("root1/opt")), TimeSpan.Zero);
        using var b = await RunLockSet.AcquireAsync(LockDirectory, RunLockKey.ForDirectory(Target("root2/opt")), TimeSpan.Zero);
    }

    [Fact]
    public async Task AcquireAsync_SameDirectoryThroughASymlink_IsOneLock()
    {
        string target = Target("real");
        string link = Path.Combine(_tmp.FullName, "link");
        File.CreateSymbolicLink(link, target);
        using var held = await RunLockSet.AcquireAsync(LockDirectory, RunLockKey.ForDirectory(target), TimeSpan.Zero);

        await Assert.ThrowsAsync<TargetBusyException>(() => RunLockSet.AcquireAsync(LockDirectory, RunLockKey.ForDirectory(link), TimeSpan.Zero));
    }

    [Fact]
    public async Task AcquireAsync_DirectoryCreatedWhileLocked_StillExcludes()
    {
        string missing = Path.Combine(_tmp.FullName, "later");
        using var held = await RunLockSet.AcquireAsync(LockDirectory, RunLockKey.ForDirectory(missing), TimeSpan.Zero);
        Directory.CreateDirectory(missing);

        await Assert.ThrowsAsync<TargetBusyException>(() => RunLockSet.AcquireAsync(LockDirectory, RunLockKey.ForDirectory(missing), TimeSpan.Zero));
    }

    [Fact]
    public async Task AcquireAsync_ImageFile_KeyedByTheFileNotItsDirectory()
    {
        string disk = Path.Combine(Target("d"), "disk.img");
        await File.WriteAllBytesAsync(disk, new byte[4096]);
        using var held = await RunLockSet.AcquireAsync(LockDirectory, [RunLockKey.ForDisk(disk)], TimeSpan.Zero);

        await Assert.ThrowsAsync<TargetBusyException>(() => RunLockSet.AcquireAsync(LockDirectory, [RunLockKey.ForDisk(disk)], TimeSpan.Zero));
        using var directory = await RunLockSet.AcquireAsync(LockDirectory, RunLockKey.ForDirectory(Path.GetDirectoryName(disk)!), TimeSpan.Zero);
    }

    [Fact]
    public async Task AcquireAsync_OneKeyBusy_ReleasesTheOthersItTook()
    {
        string a = Target("a"), b = Target("b");
        using var holdsB = await RunLockSet.AcquireAsync(LockDirectory, RunLockKey.ForDirectory(b), TimeSpan.Zero);

        await Assert.ThrowsAsync<TargetBusyException>(() =>
            RunLockSet.AcquireAsync(LockDirectory, [.. RunLockKey.ForDirectory(a), .. RunLockKey.ForDirectory(b)], TimeSpan.Zero));

        using var aIsFree = await RunLockSet.AcquireAsync(LockDirectory, RunLockKey.ForDirectory(a), TimeSpan.Zero);
    }

    [Fact]
    public async Task TryAddAsync_HeldElsewhere_ReturnsFalseWithoutWaiting()
    {
        string a = Target("a"), b = Target("b");
        using var other = await RunLockSet.AcquireAsync(LockDirectory, RunLockKey.ForDirectory(b), TimeSpan.Zero);
        using var mine = await RunLockSet.AcquireAsync(LockDirectory, RunLockKey.ForDirectory(a), TimeSpan.Zero);

        Assert.False(await mine.TryAddAsync(RunLockKey.ForDirectory(b)[0]));
        Assert.True(await mine.TryAddAsync(RunLockKey.ForDirectory(a)[0]));
    }
}
