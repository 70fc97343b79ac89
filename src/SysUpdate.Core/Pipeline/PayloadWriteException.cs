namespace SysUpdate.Core.Pipeline;

/// <summary>Writing or flushing the payload to its destination failed (ENOSPC, EIO, a device that went away).</summary>
internal sealed class PayloadWriteException : SysUpdateException
{
    /// <param name="inner">The <see cref="IOException"/>, or the <see cref="UnauthorizedAccessException"/> .NET raises
    /// for EPERM/EACCES (a read-only device refusing the write).</param>
    public PayloadWriteException(string destination, long offset, Exception inner)
        : base($"{destination}: writing the payload at byte {offset} failed: {OneLine(Reason(inner))}", inner)
    {
        Destination = destination;
        Offset = offset;
        Errno = inner is UnauthorizedAccessException ? Errno.EACCES : ErrnoNames.FromNumber(inner.HResult);
    }

    /// <summary>True for the exceptions a failed write raises (and this type wraps).</summary>
    public static bool IsWriteFailure(Exception ex) => ex is IOException or UnauthorizedAccessException;

    private static string Reason(Exception inner) =>
        inner is UnauthorizedAccessException && inner.InnerException is IOException io ? $"{inner.Message} ({io.Message})" : inner.Message;

    public string Destination { get; }

    public long Offset { get; }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").TrimEnd('.', ' ');
}
