namespace SysUpdate.Core.Disk;

/// <summary>Zeroing the rest of a partition after its payload failed (EIO, a device that went away, a read-only device).</summary>
internal sealed class ZeroFillException : SysUpdateException
{
    public ZeroFillException(string destination, long offset, long length, string reason, Errno errno)
        : base($"{destination}: zeroing {length} bytes after the payload (from byte {offset}) failed: {reason}")
    {
        Destination = destination;
        Offset = offset;
        Length = length;
        Errno = errno;
    }

    public string Destination { get; }

    public long Offset { get; }

    public long Length { get; }
}
