using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Linux = Tmds.Linux.LibC;

namespace SysUpdate.Core.Native;

/// <summary>Opening a path only once it is known to be the kind of file the caller expects.</summary>
internal static partial class LibC
{
    /// <summary>
    /// Opens <paramref name="path"/> with <paramref name="flags"/> only if it is one of <paramref name="expected"/>.
    /// The path is first opened <c>O_PATH</c> (which never blocks and has no side effects, even on a FIFO or a
    /// device), its type taken with <c>statx</c> on that descriptor, and only then reopened through
    /// <c>/proc/self/fd/N</c> — the same inode, so nothing can be swapped in between.
    /// </summary>
    /// <exception cref="UnexpectedFileKindException">A FIFO, socket, character device or directory that was not expected.</exception>
    /// <exception cref="FileOpenException">open(2) failed (ENOENT, EACCES, EROFS, …).</exception>
    public static SafeFileHandle OpenExpecting(string path, int flags, FileKind expected)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        bool forWriting = (flags & Linux.O_ACCMODE) != Linux.O_RDONLY;
        using SafeFileHandle pathHandle = TryOpen(path, Linux.O_PATH, 0, out int pathErrno)
            ?? throw new FileOpenException(path, pathErrno, forWriting);
        FileKind found = KindOf(pathHandle, path);
        if ((found & expected) == 0)
            throw new UnexpectedFileKindException(path, found, expected);
        return TryReopen(pathHandle, flags, out int errno) ?? throw new FileOpenException(path, errno, forWriting);
    }

    /// <summary>A second, independent descriptor (its own open file description, so its own flags) of the file that
    /// <paramref name="open"/> refers to, reopened through <c>/proc/self/fd/N</c>: the same inode, whatever its path
    /// names by now. Null, with the errno, where that is refused (no <c>/proc</c>, a flag the file system rejects).</summary>
    public static SafeFileHandle? TryReopen(SafeFileHandle open, int flags, out int errno)
    {
        ArgumentNullException.ThrowIfNull(open);
        return TryOpen($"/proc/self/fd/{open.DangerousGetHandle()}", flags, 0, out errno);
    }

    /// <summary>The kind of file <paramref name="path"/> names (following symlinks), without opening it for I/O.</summary>
    /// <exception cref="FileOpenException">It does not exist or cannot be reached.</exception>
    public static FileKind KindOf(string path)
    {
        using SafeFileHandle pathHandle = Open(path, Linux.O_PATH);
        return KindOf(pathHandle, path);
    }

    private static FileKind KindOf(SafeFileHandle handle, string path)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int fd = (int)handle.DangerousGetHandle();
            return KindFromMode(Statx(fd, string.Empty, Linux.AT_EMPTY_PATH, Linux.STATX_TYPE, path).stx_mode);
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
    }
}
