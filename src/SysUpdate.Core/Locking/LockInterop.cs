using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SysUpdate.Core.Locking;

/// <summary>
/// The libc calls behind the run lock. Lock files are opened with plain <c>open(2)</c>: the BCL's
/// <see cref="File.OpenHandle"/> takes a <c>flock</c> of its own (shared or exclusive, non-blocking)
/// that would fail against a held run lock instead of letting us wait for it.
/// </summary>
internal static partial class LockInterop
{
    public const int O_RDONLY = 0;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_NOFOLLOW = 0x20000;
    public const int O_CLOEXEC = 0x80000;

    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;

    public const int EINTR = 4;
    public const int EWOULDBLOCK = 11;

    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1, StatxIno = 0x100;
    private const ushort FileTypeMask = 0xF000, BlockDevice = 0x6000;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, uint mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int flock(SafeFileHandle fd, int operation);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ftruncate(SafeFileHandle fd, long length);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint pwrite(SafeFileHandle fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint pread(SafeFileHandle fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint realpath(string path, nint resolved);

    [LibraryImport("libc")]
    private static partial void free(nint pointer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial int GetEffectiveUid();

    /// <summary>Opens (creating with mode 0600) a lock file; null with the errno when that fails.</summary>
    public static SafeFileHandle? OpenLockFile(string path, out int errno)
    {
        int fd;
        do
        {
            fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0x180);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == EINTR);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Opens a lock file only to read the holder's pid.</summary>
    public static SafeFileHandle? OpenForReading(string path)
    {
        int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary><c>flock(LOCK_EX|LOCK_NB)</c>: true when taken, false when another open file holds it.</summary>
    public static bool TryLockExclusive(SafeFileHandle fd, out int errno)
    {
        int rc;
        do
        {
            rc = flock(fd, LOCK_EX | LOCK_NB);
        }
        while (rc != 0 && Marshal.GetLastPInvokeError() == EINTR);
        errno = rc == 0 ? 0 : Marshal.GetLastPInvokeError();
        return rc == 0;
    }

    public static unsafe void WriteAll(SafeFileHandle fd, ReadOnlySpan<byte> bytes)
    {
        ftruncate(fd, 0);
        fixed (byte* p = bytes)
            pwrite(fd, p, (nuint)bytes.Length, 0);
    }

    public static unsafe int Read(SafeFileHandle fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            nint n = pread(fd, p, (nuint)buffer.Length, 0);
            return n < 0 ? 0 : (int)n;
        }
    }

    /// <summary>What identifies an existing file: its device and inode, and for a block device the
    /// device it is (so two nodes of one disk are one key). Null when the path does not exist.</summary>
    public static unsafe FileIdentity? Identify(string path)
    {
        byte* buffer = stackalloc byte[256];
        if (statx(AtFdCwd, path, 0, StatxType | StatxIno, buffer) != 0)
            return null;
        ushort mode = *(ushort*)(buffer + 28);
        ulong inode = *(ulong*)(buffer + 32);
        uint rdevMajor = *(uint*)(buffer + 128), rdevMinor = *(uint*)(buffer + 132);
        uint devMajor = *(uint*)(buffer + 136), devMinor = *(uint*)(buffer + 140);
        return (mode & FileTypeMask) == BlockDevice
            ? new FileIdentity(true, rdevMajor, rdevMinor, 0)
            : new FileIdentity(false, devMajor, devMinor, inode);
    }

    /// <summary>realpath(3) of the deepest existing ancestor, with the rest appended as written.</summary>
    public static string Canonical(string path)
    {
        string full = Path.GetFullPath(path);
        string existing = full;
        var rest = new Stack<string>();
        while (true)
        {
            nint resolved = realpath(existing, 0);
            if (resolved != 0)
            {
                try
                {
                    string head = Marshal.PtrToStringUTF8(resolved)!;
                    return rest.Count == 0 ? head : Path.Combine([head, .. rest]);
                }
                finally
                {
                    free(resolved);
                }
            }
            string? parent = Path.GetDirectoryName(existing);
            if (parent is null)
                return full;
            rest.Push(Path.GetFileName(existing));
            existing = parent;
        }
    }
}
