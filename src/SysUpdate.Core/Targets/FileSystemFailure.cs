namespace SysUpdate.Core.Targets;

/// <summary>
/// Recognises the file-system failures a file or directory target meets on its own (full, read-only,
/// not permitted) and words them as one line naming the directory and what to do.
/// </summary>
internal static class FileSystemFailure
{
    /// <summary>ENOSPC, EROFS, EACCES or EPERM when <paramref name="ex"/> is one of those; else null.
    /// The BCL reports them as an <see cref="IOException"/> whose HResult is the raw errno, or as an
    /// <see cref="UnauthorizedAccessException"/> (EACCES, EPERM); our own libc calls as a
    /// <see cref="SysUpdateException"/> with the errno.</summary>
    public static Errno? ErrnoOf(Exception ex) => ex switch
    {
        TargetFileSystemException or Transport.TransportException => null,
        SysUpdateException { Errno: Errno.ENOSPC or Errno.EROFS or Errno.EACCES or Errno.EPERM } s => s.Errno,
        SysUpdateException => null,
        UnauthorizedAccessException => Errno.EACCES,
        IOException io when io.HResult is (int)Errno.ENOSPC or (int)Errno.EROFS or (int)Errno.EACCES or (int)Errno.EPERM => (Errno)io.HResult,
        _ => null,
    };

    /// <param name="written">Bytes of the payload as published that were read (for a raw payload, the bytes written).</param>
    /// <param name="needed">The space the version needs, when known (a raw payload's size); null for a compressed one.</param>
    public static TargetFileSystemException Describe(Errno errno, string directory, string name, long written, long? needed, Exception inner)
    {
        string message = errno switch
        {
            Errno.ENOSPC => $"{directory}: no space left on device while writing '{name}' ("
                + (needed is { } n ? $"{written} bytes written; the version needs {n} bytes" : $"{written} bytes of the payload read")
                + "); the partial file was removed. Free space there (or lower InstancesMax=) and run update again.",
            Errno.EROFS => $"{directory}: read-only file system, cannot write '{name}'. Remount it read-write (or set the transfer's [Target] Path= elsewhere) and run update again.",
            _ => $"{directory}: permission denied writing '{name}'. Run as root, or fix the directory's owner and mode, and run update again.",
        };
        return new TargetFileSystemException(directory, errno, message, inner);
    }
}
