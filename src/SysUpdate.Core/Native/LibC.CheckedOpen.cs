using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SysUpdate.Core.Native;

/// <summary>Opening a path only once it is known to be the kind of file the caller expects.</summary>
internal static partial class LibC
{
    // Named apart from other LibC partials' constants so that they can merge side by side.
    private const int CheckedOpenPathOnly = 0x200000; // O_PATH
    private const int CheckedOpenEmptyPath = 0x1000; // AT_EMPTY_PATH
    private const uint CheckedOpenStatxType = 0x1; // STATX_TYPE
    private const int CheckedOpenStatxModeOffset = 28; // stx_mode
    private const int CheckedOpenInterrupted = 4; // EINTR

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenWithMode(string path, int flags, int mode);

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
        bool forWriting = (flags & 0x3) != 0;
        int pathFd = RetryOpenOnInterrupt(() => OpenWithMode(path, CheckedOpenPathOnly | O_CLOEXEC, 0));
        if (pathFd < 0)
            throw new FileOpenException(path, Marshal.GetLastPInvokeError(), forWriting);
        try
        {
            FileKind found = KindOf(pathFd, path);
            if ((found & expected) == 0)
                throw new UnexpectedFileKindException(path, found, expected);
            int fd = RetryOpenOnInterrupt(() => OpenWithMode($"/proc/self/fd/{pathFd}", flags | O_CLOEXEC, 0));
            if (fd < 0)
                throw new FileOpenException(path, Marshal.GetLastPInvokeError(), forWriting);
            return new SafeFileHandle(fd, ownsHandle: true);
        }
        finally
        {
            close(pathFd);
        }
    }

    /// <summary>The kind of file <paramref name="path"/> names (following symlinks), without opening it for I/O.</summary>
    public static FileKind KindOf(string path)
    {
        int pathFd = RetryOpenOnInterrupt(() => OpenWithMode(path, CheckedOpenPathOnly | O_CLOEXEC, 0));
        if (pathFd < 0)
            throw new FileOpenException(path, Marshal.GetLastPInvokeError(), forWriting: false);
        try
        {
            return KindOf(pathFd, path);
        }
        finally
        {
            close(pathFd);
        }
    }

    private static unsafe FileKind KindOf(int fd, string path)
    {
        byte* buffer = stackalloc byte[256];
        if (statx(fd, string.Empty, CheckedOpenEmptyPath, CheckedOpenStatxType, buffer) != 0)
            throw Error("statx", path);
        int mode = *(ushort*)(buffer + CheckedOpenStatxModeOffset);
        return (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x6000 => FileKind.BlockDevice,
            0x2000 => FileKind.CharacterDevice,
            0x1000 => FileKind.Fifo,
            0xC000 => FileKind.Socket,
            0xA000 => FileKind.Symlink,
            _ => FileKind.None,
        };
    }

    private static int RetryOpenOnInterrupt(Func<int> call)
    {
        int result;
        do
        {
            result = call();
        }
        while (result < 0 && Marshal.GetLastPInvokeError() == CheckedOpenInterrupted);
        return result;
    }
}
