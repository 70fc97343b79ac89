namespace SysUpdate.Core.Pipeline;

/// <summary>Where a payload was written: <see cref="Length"/> bytes at <see cref="Offset"/> of <see cref="Device"/>
/// (a block device or image file); <see cref="Name"/> is how messages call it (<c>/dev/sda3</c>, <c>disk.img (partition 3)</c>).</summary>
internal readonly record struct WrittenRange(string Device, string Name, long Offset, long Length);
