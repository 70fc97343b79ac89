using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Linux = Tmds.Linux.LibC;

namespace SysUpdate.Core.Native;

/// <summary>The one <c>open(2)</c> of the code base, and the one retry on <c>EINTR</c>.</summary>
internal static partial class LibC
{
    /// <summary>open(2), retried while a signal interrupts it.</summary>
    /// <returns>The handle, or null with the error number in <paramref name="errno"/>.</returns>
    public static SafeFileHandle? TryOpen(string path, int flags, uint mode, out int errno)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] cPath = ToCString(path);
        int fd = RetryOnInterrupt(() => OpenRaw(cPath, flags | Linux.O_CLOEXEC, mode));
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>open(2) with <c>O_CLOEXEC</c>, retried while a signal interrupts it.</summary>
    /// <exception cref="FileOpenException">open(2) failed; its <see cref="SysUpdateException.Errno"/> says why.</exception>
    public static SafeFileHandle Open(string path, int flags, uint mode = 0) =>
        TryOpen(path, flags, mode, out int errno)
        ?? throw new FileOpenException(path, errno, forWriting: (flags & Linux.O_ACCMODE) != Linux.O_RDONLY);

    /// <summary>Runs a libc call again for as long as it fails with <c>EINTR</c> (a signal arrived before it
    /// could finish); any other result, success or failure, is returned with errno as the call left it.</summary>
    public static int RetryOnInterrupt(Func<int> call)
    {
        int result;
        do
        {
            result = call();
        }
        while (result == -1 && Marshal.GetLastPInvokeError() == Linux.EINTR);
        return result;
    }

    private static unsafe int OpenRaw(byte[] cPath, int flags, uint mode)
    {
        fixed (byte* p = cPath)
            return Linux.open(p, flags, (Tmds.Linux.mode_t)mode);
    }

    /// <summary>A path as the NUL-terminated UTF-8 bytes libc expects.</summary>
    private static byte[] ToCString(string path)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }
}
