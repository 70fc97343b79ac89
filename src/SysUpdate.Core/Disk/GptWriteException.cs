namespace SysUpdate.Core.Disk;

/// <summary>Writing or flushing a partition table failed (EIO, ENOSPC in a sparse image, a device that went away).
/// The backup is written first, so the primary or both copies still describe the old table.</summary>
internal sealed class GptWriteException : SysUpdateException
{
    /// <param name="inner">The <see cref="IOException"/>, or the <see cref="UnauthorizedAccessException"/> .NET raises for EPERM/EACCES.</param>
    public GptWriteException(string disk, Exception inner)
        : base($"{disk}: writing the partition table failed: {inner.Message.ReplaceLineEndings(" ").TrimEnd('.', ' ')}", inner)
    {
        Disk = disk;
        Errno = inner is UnauthorizedAccessException ? Errno.EACCES : ErrnoNames.FromNumber(inner.HResult);
    }

    public string Disk { get; }
}
