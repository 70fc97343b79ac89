namespace SysUpdate.Core.Delta;

/// <summary>A chunk decoded cleanly but its digest is not the id the index names.</summary>
internal sealed class ChunkDigestMismatchException : SysUpdateException
{
    public ChunkDigestMismatchException(string origin, ChunkId expected, ChunkId actual)
        : base($"{origin}: chunk digest mismatch: expected {expected}, got {actual}")
    {
        Origin = origin;
        Expected = expected;
        Actual = actual;
        Errno = Errno.EBADMSG;
    }

    public string Origin { get; }

    public ChunkId Expected { get; }

    public ChunkId Actual { get; }
}
