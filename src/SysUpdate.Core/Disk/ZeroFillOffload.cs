namespace SysUpdate.Core.Disk;

/// <summary>How the bulk of a zero-filled range was zeroed (see <see cref="ZeroFiller"/>).</summary>
internal enum ZeroFillOffload
{
    /// <summary>Nothing was offloaded: the range was empty, or every byte was written.</summary>
    None,

    /// <summary><c>BLKZEROOUT</c> on a block device (the kernel issues write-zeroes or discards where the device offers them).</summary>
    BlockDeviceZeroOut,

    /// <summary><c>fallocate(FALLOC_FL_ZERO_RANGE)</c> on an image file.</summary>
    FallocateZeroRange,

    /// <summary><c>fallocate(FALLOC_FL_PUNCH_HOLE)</c> on an image file: the range is deallocated and reads as zeroes.</summary>
    FallocatePunchHole,
}
