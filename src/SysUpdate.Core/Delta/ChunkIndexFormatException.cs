namespace SysUpdate.Core.Delta;

/// <summary>A casync index (<c>.caibx</c>) is truncated, corrupt or not an index at all.</summary>
internal sealed class ChunkIndexFormatException : SysUpdateException
{
    public ChunkIndexFormatException(string origin, string what)
        : base($"{origin}: not a valid casync index: {what}")
    {
        Origin = origin;
        Errno = Errno.EBADMSG;
    }

    /// <summary>The file or URL the index was read from.</summary>
    public string Origin { get; }
}
