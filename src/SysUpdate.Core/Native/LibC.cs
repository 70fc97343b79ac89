using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SysUpdate.Core.Native;

/// <summary>The few libc calls the BCL does not offer: fsync of paths and directories, syncfs,
/// ownership without following links, and extended attributes.</summary>
internal static partial class LibC
{
    private const int O_RDONLY = 0;
    private const int O_DIRECTORY = 0x10000;
    private const int O_CLOEXEC = 0x80000;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int syncfs(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown(string path, int owner, int group);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int lsetxattr(string path, string name, byte* value, nuint size, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(SafeFileHandle fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string oldpath, string newpath);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    /// <summary>Owner of a path, not following a final symlink (statx has one layout on every architecture).</summary>
    public static unsafe (int Uid, int Gid) GetOwner(string path)
    {
        const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100;
        const uint StatxUid = 0x8, StatxGid = 0x10;
        byte* buffer = stackalloc byte[256];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxUid | StatxGid, buffer) != 0)
            throw Error("statx", path);
        return (*(int*)(buffer + 20), *(int*)(buffer + 24));
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rename(string oldpath, string newpath);

    /// <summary>rename(2): atomically replaces <paramref name="newPath"/>, never following symlinks
    /// (unlike File.Move, which looks at a symlink's target).</summary>
    public static void Rename(string oldPath, string newPath)
    {
        if (rename(oldPath, newPath) != 0)
            throw Error("rename", newPath);
    }

    /// <summary>link(2): a hard link <paramref name="newPath"/> to <paramref name="existing"/>.</summary>
    public static void Link(string existing, string newPath)
    {
        if (link(existing, newPath) != 0)
            throw Error("link", newPath);
    }

    /// <summary>fsync() an open file.</summary>
    public static void Fsync(SafeFileHandle handle, string pathForErrors)
    {
        if (fsync(handle) != 0)
            throw Error("fsync", pathForErrors);
    }

    /// <summary>fsync() a file or directory by path.</summary>
    public static void FsyncPath(string path)
    {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            throw Error("open", path);
        try
        {
            if (fsync(fd) != 0)
                throw Error("fsync", path);
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>fsync() a path and its parent directory, so that a rename or create is durable.</summary>
    public static void FsyncPathAndParent(string path)
    {
        FsyncPath(path);
        FsyncPath(Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/");
    }

    /// <summary>syncfs() the file system holding <paramref name="path"/>.</summary>
    public static void SyncFileSystem(string path)
    {
        int fd = open(path, O_RDONLY | O_CLOEXEC | (Directory.Exists(path) ? O_DIRECTORY : 0));
        if (fd < 0)
            throw Error("open", path);
        try
        {
            if (syncfs(fd) != 0)
                throw Error("syncfs", path);
        }
        finally
        {
            close(fd);
        }
    }

    public static void LChown(string path, int uid, int gid)
    {
        if (lchown(path, uid, gid) != 0)
            throw Error("lchown", path);
    }

    public static unsafe void LSetXattr(string path, string name, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value)
        {
            if (lsetxattr(path, name, p, (nuint)value.Length, 0) != 0)
                throw Error("lsetxattr", path);
        }
    }

    private static SysUpdateException Error(string call, string path)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new SysUpdateException($"{path}: {call}() failed: {Marshal.GetPInvokeErrorMessage(errno)}") { Errno = ErrnoNames.FromNumber(errno) };
    }
}
