using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Linux = Tmds.Linux.LibC;

namespace SysUpdate.Core.Native;

internal static partial class LibC
{
    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int posix_fadvise(SafeFileHandle fd, long offset, long length, int advice);

    /// <summary>Drops the clean page-cache pages of a range, so that the next buffered read comes from the
    /// device. Returns false where the kernel refused the advice (it returns the error, it does not set errno).</summary>
    public static bool DropFromPageCache(SafeFileHandle handle, long offset, long length) =>
        posix_fadvise(handle, offset, length, Linux.POSIX_FADV_DONTNEED) == 0;
}
