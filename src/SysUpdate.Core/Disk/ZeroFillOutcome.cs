namespace SysUpdate.Core.Disk;

/// <summary>What <see cref="ZeroFiller"/> did: the bytes handed to the kernel or device to zero, and the bytes it wrote as zeroes itself.</summary>
internal readonly record struct ZeroFillOutcome(ZeroFillOffload Offload, long OffloadedBytes, long WrittenBytes);
