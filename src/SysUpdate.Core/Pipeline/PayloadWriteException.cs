namespace SysUpdate.Core.Pipeline;

/// <summary>Writing or flushing the payload to its destination failed (ENOSPC, EIO, a device that went away).</summary>
internal sealed class PayloadWriteException : SysUpdateException
{
    public PayloadWriteException(string destination, long offset, IOException inner)
        : base($"{destination}: writing the payload at byte {offset} failed: {OneLine(inner.Message)}", inner)
    {
        Destination = destination;
        Offset = offset;
        ErrnoName = Disk.DiskInterop.ErrnoName(inner.HResult) ?? "EIO";
    }

    public string Destination { get; }

    public long Offset { get; }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").TrimEnd('.', ' ');
}
