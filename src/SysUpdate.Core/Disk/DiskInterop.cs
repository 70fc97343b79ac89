using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Linux = Tmds.Linux.LibC;

namespace SysUpdate.Core.Disk;

/// <summary>
/// The libc calls and constants the GPT and zero-fill code needs. Flags and error numbers come from
/// Tmds.LibC, whose per-architecture builds carry each architecture's values (<c>O_DIRECT</c> is 0x4000 on
/// x86-64 but 0x10000 on arm64). Declared here is only what Tmds.LibC 0.5.0 lacks or binds less safely:
/// <c>ioctl</c> with the request as <c>unsigned long</c> (its binding takes an <c>int</c>, which
/// <see cref="BLKGETSIZE64"/> overflows) and calls on a <see cref="SafeFileHandle"/>, which the marshaller
/// keeps from being closed and its number reused while the call runs. Not blittable (SafeHandle and
/// <c>ref</c> arguments are marshalled), so these stay <c>DllImport</c>s with runtime marshalling.
/// </summary>
internal static class DiskInterop
{
    private const string Libc = "libc";

    public static int O_RDONLY => Linux.O_RDONLY;
    public static int O_RDWR => Linux.O_RDWR;

    /// <summary><c>O_DIRECT</c> of the architecture we run on (0x4000 on x86-64, 0x10000 on arm64).</summary>
    public static int O_DIRECT => Linux.O_DIRECT;

    public static int EINTR => Linux.EINTR;
    public static int ENOTTY => Linux.ENOTTY;
    public static int EWOULDBLOCK => Linux.EWOULDBLOCK;
    public static int EINVAL => Linux.EINVAL;
    public static int ENOSPC => Linux.ENOSPC;
    public static int ENOSYS => Linux.ENOSYS;
    public static int EOPNOTSUPP => Linux.EOPNOTSUPP;

    /// <summary>fallocate(2): do not change the file size.</summary>
    public static int FALLOC_FL_KEEP_SIZE => Linux.FALLOC_FL_KEEP_SIZE;
    /// <summary>fallocate(2): deallocate the range (reads as zeroes); needs <see cref="FALLOC_FL_KEEP_SIZE"/>.</summary>
    public static int FALLOC_FL_PUNCH_HOLE => Linux.FALLOC_FL_PUNCH_HOLE;
    /// <summary>fallocate(2): make the range read as zeroes, keeping it allocated. From
    /// <c>linux/falloc.h</c>, which has one definition for every architecture; Tmds.LibC 0.5.0 lacks it.</summary>
    public const int FALLOC_FL_ZERO_RANGE = 0x10;

    // Block-device ioctl numbers from linux/fs.h. _IO/_IOR encode (direction, size, type 0x12, number) with
    // the asm-generic layout, which x86-64 and arm64 both use (only alpha, mips, powerpc, sparc differ);
    // BLKGETSIZE64's size field is sizeof(size_t) = 8, so it is right for 64-bit architectures only.

    /// <summary>_IO(0x12, 95): ask the kernel to re-read the partition table.</summary>
    public const nuint BLKRRPART = 0x125F;
    /// <summary>_IO(0x12, 94): whether the block device is read-only (int, non-zero when it is).</summary>
    public const nuint BLKROGET = 0x125E;
    /// <summary>_IO(0x12, 104): logical sector size (int).</summary>
    public const nuint BLKSSZGET = 0x1268;
    /// <summary>_IOR(0x12, 114, size_t): device size in bytes (u64).</summary>
    public const nuint BLKGETSIZE64 = 0x80081272;
    /// <summary>_IO(0x12, 127): zero a byte range (u64 start, u64 length, both logical-sector aligned) on the device.</summary>
    public const nuint BLKZEROOUT = 0x127F;

    [DllImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    public static extern int IoctlUInt64(SafeFileHandle fd, nuint request, ref ulong value);

    [DllImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    public static extern int IoctlInt32(SafeFileHandle fd, nuint request, ref int value);

    [DllImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    public static extern int IoctlRange(SafeFileHandle fd, nuint request, ref BlockRange range);

    [DllImport(Libc, EntryPoint = "fallocate", SetLastError = true)]
    public static extern int Fallocate(SafeFileHandle fd, int mode, long offset, long length);

    [DllImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    public static extern int IoctlNoArg(SafeFileHandle fd, nuint request, nint zero);
}
