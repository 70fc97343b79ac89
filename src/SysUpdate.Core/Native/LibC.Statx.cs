using System.Runtime.InteropServices;
using Linux = Tmds.Linux.LibC;
using Statx = Tmds.Linux.statx;

namespace SysUpdate.Core.Native;

/// <summary>statx(2) into Tmds.LibC's <c>struct statx</c> — the kernel gives it one layout on every
/// architecture — with the fields the caller asked for checked in <c>stx_mask</c> before they are read.</summary>
internal static partial class LibC
{
    /// <summary>statx(2) of <paramref name="path"/> relative to <paramref name="dirFd"/>.</summary>
    /// <returns>0, or the error number statx failed with (then <paramref name="result"/> is unset).</returns>
    /// <exception cref="StatxFieldMissingException">The file system did not fill in every field of <paramref name="mask"/>.</exception>
    public static unsafe int TryStatx(int dirFd, string path, int flags, uint mask, out Statx result)
    {
        byte[] cPath = ToCString(path);
        Statx buffer = default;
        int rc;
        fixed (byte* p = cPath)
            rc = Linux.statx(dirFd, p, flags, mask, &buffer);
        result = buffer;
        if (rc != 0)
            return Marshal.GetLastPInvokeError();
        if ((buffer.stx_mask & mask) != mask)
            throw new StatxFieldMissingException(path, mask & ~buffer.stx_mask);
        return 0;
    }

    /// <summary>statx(2) that throws on failure, naming <paramref name="pathForErrors"/>.</summary>
    private static Statx Statx(int dirFd, string path, int flags, uint mask, string pathForErrors)
    {
        int errno = TryStatx(dirFd, path, flags, mask, out Statx result);
        if (errno != 0)
            throw Error("statx", pathForErrors, errno);
        return result;
    }

    /// <summary>What the <c>S_IFMT</c> bits of a mode say a file is.</summary>
    private static FileKind KindFromMode(uint mode)
    {
        uint type = mode & (uint)Linux.S_IFMT;
        if (type == (uint)Linux.S_IFREG) return FileKind.Regular;
        if (type == (uint)Linux.S_IFDIR) return FileKind.Directory;
        if (type == (uint)Linux.S_IFLNK) return FileKind.Symlink;
        if (type == (uint)Linux.S_IFBLK) return FileKind.BlockDevice;
        if (type == (uint)Linux.S_IFCHR) return FileKind.CharacterDevice;
        if (type == (uint)Linux.S_IFIFO) return FileKind.Fifo;
        if (type == (uint)Linux.S_IFSOCK) return FileKind.Socket;
        return FileKind.None;
    }
}
