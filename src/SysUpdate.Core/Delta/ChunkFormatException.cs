namespace SysUpdate.Core.Delta;

/// <summary>A fetched chunk (<c>.cacnk</c>) is not compressed in a format we read, is corrupt, or has the wrong size.</summary>
internal sealed class ChunkFormatException : SysUpdateException
{
    public ChunkFormatException(string message) : base(message)
    {
        Errno = Errno.EBADMSG;
    }

    public ChunkFormatException(string message, Exception? innerException) : base(message, innerException)
    {
        Errno = Errno.EBADMSG;
    }
}
