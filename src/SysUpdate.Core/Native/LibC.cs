using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Linux = Tmds.Linux.LibC;

namespace SysUpdate.Core.Native;

/// <summary>The few libc calls the BCL does not offer: fsync of paths and directories, syncfs,
/// ownership without following links, and extended attributes. Calls and constants come from
/// Tmds.LibC, whose per-architecture builds carry each architecture's values (<c>O_DIRECTORY</c> is
/// 0x10000 on x86-64 but 0x4000 on arm64); only what Tmds.LibC 0.5.0 lacks is declared here.</summary>
internal static partial class LibC
{
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int lsetxattr(string path, string name, byte* value, nuint size, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(SafeFileHandle fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rename(string oldpath, string newpath);

    /// <summary>Owner of a path, not following a final symlink.</summary>
    public static (int Uid, int Gid) GetOwner(string path)
    {
        var stx = Statx(Linux.AT_FDCWD, path, Linux.AT_SYMLINK_NOFOLLOW, Linux.STATX_UID | Linux.STATX_GID, path);
        return ((int)stx.stx_uid, (int)stx.stx_gid);
    }

    /// <summary>rename(2): atomically replaces <paramref name="newPath"/>, never following symlinks
    /// (unlike File.Move, which looks at a symlink's target).</summary>
    public static void Rename(string oldPath, string newPath)
    {
        if (rename(oldPath, newPath) != 0)
            throw Error("rename", newPath);
    }

    /// <summary>link(2): a hard link <paramref name="newPath"/> to <paramref name="existing"/>.</summary>
    public static unsafe void Link(string existing, string newPath)
    {
        int rc;
        fixed (byte* from = ToCString(existing))
        fixed (byte* to = ToCString(newPath))
            rc = Linux.link(from, to);
        if (rc != 0)
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
        using var handle = TryOpen(path, Linux.O_RDONLY, 0, out int errno) ?? throw Error("open", path, errno);
        Fsync(handle, path);
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
        int flags = Linux.O_RDONLY | (Directory.Exists(path) ? Linux.O_DIRECTORY : 0);
        using var handle = TryOpen(path, flags, 0, out int errno) ?? throw Error("open", path, errno);
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (Linux.syncfs((int)handle.DangerousGetHandle()) != 0)
                throw Error("syncfs", path);
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
    }

    public static unsafe void LChown(string path, int uid, int gid)
    {
        int rc;
        fixed (byte* p = ToCString(path))
            rc = Linux.lchown(p, (uint)uid, (uint)gid);
        if (rc != 0)
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

    private static SysUpdateException Error(string call, string path) => Error(call, path, Marshal.GetLastPInvokeError());

    private static SysUpdateException Error(string call, string path, int errno) =>
        new($"{path}: {call}() failed: {Marshal.GetPInvokeErrorMessage(errno)}") { Errno = ErrnoNames.FromNumber(errno) };
}
