namespace SysUpdate.Core.Pipeline;

/// <summary>The bytes read back from the device differ from the bytes written there (or could not all be read).</summary>
internal sealed class ReadbackMismatchException : SysUpdateException
{
    public ReadbackMismatchException(WrittenRange range, long start, long end, string what)
        : base($"{range.Name}: read-back of bytes {start}..{end - 1} of {range.Device} {what}; nothing was committed — check the disk (dmesg) and run the update again")
    {
        Range = range;
        Start = start;
        End = end;
        Errno = Errno.EIO;
    }

    public WrittenRange Range { get; }

    /// <summary>First byte (absolute offset on <see cref="WrittenRange.Device"/>) of the first segment that differs.</summary>
    public long Start { get; }

    /// <summary>One past the last byte of that segment.</summary>
    public long End { get; }
}
