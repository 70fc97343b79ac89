using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SysUpdate.Core.Native;

/// <summary>flock(2), which Tmds.LibC 0.5.0 does not bind. Its <c>LOCK_*</c> values come from
/// <c>&lt;sys/file.h&gt;</c>, which has one definition for every Linux architecture.</summary>
internal static partial class LibC
{
    private const int LOCK_EX = 2;
    private const int LOCK_NB = 4;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int flock(SafeFileHandle fd, int operation);

    /// <summary><c>flock(LOCK_EX|LOCK_NB)</c>, retried on EINTR: true when taken; false with the error
    /// number otherwise (<c>EWOULDBLOCK</c> when another open file holds the lock).</summary>
    public static bool TryLockExclusive(SafeFileHandle handle, out int errno)
    {
        int rc = RetryOnInterrupt(() => flock(handle, LOCK_EX | LOCK_NB));
        errno = rc == 0 ? 0 : Marshal.GetLastPInvokeError();
        return rc == 0;
    }
}
