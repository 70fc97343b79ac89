using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Native;
using Linux = Tmds.Linux.LibC;
using Statx = Tmds.Linux.statx;

namespace SysUpdate.Core.Locking;

/// <summary>
/// The libc calls behind the run lock. Lock files are opened with plain <c>open(2)</c> (through
/// <see cref="LibC.TryOpen"/>): the BCL's <see cref="File.OpenHandle"/> takes a <c>flock</c> of its own
/// (shared or exclusive, non-blocking) that would fail against a held run lock instead of letting us wait for it.
/// </summary>
internal static partial class LockInterop
{
    private const uint LockFileMode = 0x180; // 0600

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint realpath(string path, nint resolved);

    [LibraryImport("libc")]
    private static partial void free(nint pointer);

    /// <summary>flock's answer when another open file holds the lock.</summary>
    public static int EWOULDBLOCK => Linux.EWOULDBLOCK;

    public static int GetEffectiveUid() => (int)(uint)Linux.geteuid();

    /// <summary>Opens (creating with mode 0600) a lock file; null with the errno when that fails.</summary>
    public static SafeFileHandle? OpenLockFile(string path, out int errno) =>
        LibC.TryOpen(path, Linux.O_RDWR | Linux.O_CREAT | Linux.O_NOFOLLOW, LockFileMode, out errno);

    /// <summary>Opens a lock file only to read the holder's pid.</summary>
    public static SafeFileHandle? OpenForReading(string path) =>
        LibC.TryOpen(path, Linux.O_RDONLY | Linux.O_NOFOLLOW, 0, out _);

    /// <summary><c>flock(LOCK_EX|LOCK_NB)</c>: true when taken, false when another open file holds it.</summary>
    public static bool TryLockExclusive(SafeFileHandle fd, out int errno) => LibC.TryLockExclusive(fd, out errno);

    /// <summary>Replaces the lock file's content with <paramref name="bytes"/>. Best effort: the holder's pid is
    /// only shown to a process that waits for the lock, which the lock itself does not depend on.</summary>
    public static void WriteAll(SafeFileHandle fd, ReadOnlySpan<byte> bytes)
    {
        try
        {
            RandomAccess.SetLength(fd, 0);
            RandomAccess.Write(fd, bytes, 0);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Reads the start of the lock file; 0 bytes when it cannot be read (as if nothing was written yet).</summary>
    public static int Read(SafeFileHandle fd, Span<byte> buffer)
    {
        try
        {
            return RandomAccess.Read(fd, buffer, 0);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>What identifies an existing file: its device and inode, and for a block device the
    /// device it is (so two nodes of one disk are one key). Null when the path does not exist.</summary>
    public static FileIdentity? Identify(string path)
    {
        if (LibC.TryStatx(Linux.AT_FDCWD, path, 0, Linux.STATX_TYPE | Linux.STATX_INO, out Statx stx) != 0)
            return null;
        // stx_dev_* and stx_rdev_* are always filled in; they have no mask bit.
        return (stx.stx_mode & Linux.S_IFMT) == Linux.S_IFBLK
            ? new FileIdentity(true, stx.stx_rdev_major, stx.stx_rdev_minor, 0)
            : new FileIdentity(false, stx.stx_dev_major, stx.stx_dev_minor, stx.stx_ino);
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
