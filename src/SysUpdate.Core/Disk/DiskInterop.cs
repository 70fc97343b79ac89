using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SysUpdate.Core.Disk;

/// <summary>
/// The few libc calls the GPT code needs (Linux ABI). Plain blittable <c>DllImport</c>s rather than
/// <c>LibraryImport</c>: the source generator needs <c>AllowUnsafeBlocks</c>, which this project does not
/// set; blittable signatures need no runtime marshalling code and are NativeAOT-safe.
/// </summary>
internal static class DiskInterop
{
    private const string Libc = "libc";

    public const int O_RDONLY = 0x0;
    public const int O_RDWR = 0x2;
    public const int O_CLOEXEC = 0x80000;

    /// <summary>O_DIRECT differs between architectures; 0 where we do not know it (then it is not used).</summary>
    public static int O_DIRECT => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 or System.Runtime.InteropServices.Architecture.X86 => 0x4000,
        System.Runtime.InteropServices.Architecture.Arm64 or System.Runtime.InteropServices.Architecture.Arm => 0x10000,
        _ => 0,
    };

    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;

    public const int EINTR = 4;
    public const int ENOTTY = 25;
    public const int EWOULDBLOCK = 11;
    public const int EBUSY = 16;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
    public const int ENOSYS = 38;
    public const int EOPNOTSUPP = 95;

    /// <summary>fallocate(2): do not change the file size.</summary>
    public const int FALLOC_FL_KEEP_SIZE = 0x01;
    /// <summary>fallocate(2): deallocate the range (reads as zeroes); needs <see cref="FALLOC_FL_KEEP_SIZE"/>.</summary>
    public const int FALLOC_FL_PUNCH_HOLE = 0x02;
    /// <summary>fallocate(2): make the range read as zeroes, keeping it allocated.</summary>
    public const int FALLOC_FL_ZERO_RANGE = 0x10;

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

    [DllImport(Libc, EntryPoint = "open", SetLastError = true)]
    public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    [DllImport(Libc, EntryPoint = "flock", SetLastError = true)]
    public static extern int Flock(SafeFileHandle fd, int operation);

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
