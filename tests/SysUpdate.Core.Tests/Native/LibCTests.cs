using SysUpdate.Core.Native;

namespace SysUpdate.Core.Tests.Native;

/// <summary>The libc layer on the machine it runs on: these are the calls whose flags and struct offsets
/// differ between architectures (O_DIRECTORY, O_PATH, O_NOFOLLOW, statx), so they run unchanged on arm64.</summary>
public sealed class LibCTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sysupdate-libc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SyncFileSystem_Directory_OpensItWithODirectory()
    {
        // O_DIRECTORY is 0x10000 on x86-64, which is O_DIRECT on arm64: the wrong value fails here there.
        LibC.SyncFileSystem(_dir);
        LibC.FsyncPathAndParent(_dir);
    }

    [Fact]
    public void GetOwner_NewFile_IsTheEffectiveUser()
    {
        string path = Path.Combine(_dir, "owned");
        File.WriteAllText(path, "x");
        var (uid, _) = LibC.GetOwner(path);
        Assert.Equal(Core.Locking.LockInterop.GetEffectiveUid(), uid);
    }

    [Fact]
    public void GetFileKind_EachKind_ReadFromStatxMode()
    {
        string file = Path.Combine(_dir, "file");
        File.WriteAllText(file, "x");
        string link = Path.Combine(_dir, "link");
        File.CreateSymbolicLink(link, file);
        string fifo = Path.Combine(_dir, "fifo");
        LibC.MakeNode(fifo, LibC.S_IFIFO | 0x180, 0, 0);

        Assert.Equal(FileKind.Regular, LibC.GetFileKind(file));
        Assert.Equal(FileKind.Directory, LibC.GetFileKind(_dir));
        Assert.Equal(FileKind.Symlink, LibC.GetFileKind(link));
        Assert.Equal(FileKind.Fifo, LibC.GetFileKind(fifo));
        Assert.Equal(FileKind.None, LibC.GetFileKind(Path.Combine(_dir, "missing")));
        Assert.Equal(FileKind.None, LibC.GetFileKind(Path.Combine(file, "under-a-file")));
        Assert.Equal(FileKind.Regular, LibC.KindOf(link)); // follows the link
    }

    [Fact]
    public void OpenExpecting_Fifo_RefusedWithoutBlocking()
    {
        string fifo = Path.Combine(_dir, "fifo");
        LibC.MakeNode(fifo, LibC.S_IFIFO | 0x180, 0, 0);

        var ex = Assert.Throws<UnexpectedFileKindException>(() => LibC.OpenExpecting(fifo, 0, FileKind.Regular));
        Assert.Equal(FileKind.Fifo, ex.Found);
    }

    [Fact]
    public void OpenExpecting_RegularFile_ReadsIt()
    {
        string file = Path.Combine(_dir, "file");
        File.WriteAllText(file, "content");

        using var handle = LibC.OpenExpecting(file, 0, FileKind.Regular);
        byte[] buffer = new byte[7];
        Assert.Equal(7, RandomAccess.Read(handle, buffer, 0));
        Assert.Equal("content"u8.ToArray(), buffer);
    }

    [Fact]
    public void TryOpen_Missing_ReturnsNullWithEnoent()
    {
        Assert.Null(LibC.TryOpen(Path.Combine(_dir, "missing"), 0, 0, out int errno));
        Assert.Equal((int)Errno.ENOENT, errno);
        var ex = Assert.Throws<FileOpenException>(() => LibC.Open(Path.Combine(_dir, "missing"), 0));
        Assert.True(ex.IsNotFound);
    }

    [Fact]
    public void LockFile_OpenedWithONoFollow_RefusesASymlink()
    {
        string target = Path.Combine(_dir, "target");
        File.WriteAllText(target, "");
        string link = Path.Combine(_dir, "lock");
        File.CreateSymbolicLink(link, target);

        Assert.Null(Core.Locking.LockInterop.OpenLockFile(link, out int errno));
        Assert.Equal((int)Errno.ELOOP, errno);
    }

    [Fact]
    public void TryLockExclusive_SecondOpenFile_IsRefusedWhileTheFirstHoldsIt()
    {
        string path = Path.Combine(_dir, "lock");
        using var first = Core.Locking.LockInterop.OpenLockFile(path, out _)!;
        using var second = Core.Locking.LockInterop.OpenLockFile(path, out _)!;

        Assert.True(LibC.TryLockExclusive(first, out _));
        Assert.False(LibC.TryLockExclusive(second, out int errno));
        Assert.Equal(Core.Locking.LockInterop.EWOULDBLOCK, errno);
    }

    [Fact]
    public void Identify_TwoNamesOfOneFile_AreOneIdentity()
    {
        string file = Path.Combine(_dir, "file");
        File.WriteAllText(file, "x");
        string hardLink = Path.Combine(_dir, "hard");
        LibC.Link(file, hardLink);

        var a = Core.Locking.LockInterop.Identify(file);
        var b = Core.Locking.LockInterop.Identify(hardLink);
        Assert.NotNull(a);
        Assert.Equal(a, b);
        Assert.NotEqual(0UL, a.Value.Inode);
        Assert.Null(Core.Locking.LockInterop.Identify(Path.Combine(_dir, "missing")));
    }
}
