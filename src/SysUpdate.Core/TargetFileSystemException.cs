namespace SysUpdate.Core;

/// <summary>
/// Writing into a file-system target failed for a reason of the file system itself: full (ENOSPC),
/// read-only (EROFS) or not permitted (EACCES/EPERM). The message names the path and what to do.
/// </summary>
public sealed class TargetFileSystemException : SysUpdateException
{
    public TargetFileSystemException(string path, Errno errno, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
        Errno = errno;
    }

    public string Path { get; }
}
