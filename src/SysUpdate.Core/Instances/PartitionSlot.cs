namespace SysUpdate.Core.Instances;

/// <summary>A GPT partition that holds (or can hold) an instance.</summary>
/// <param name="DiskPath">The disk: block device or image file.</param>
/// <param name="Number">1-based GPT entry number.</param>
/// <param name="StartBytes">Offset of the partition on the disk.</param>
/// <param name="SizeBytes">Size of the partition.</param>
/// <param name="Type">GPT partition type, as found.</param>
/// <param name="Uuid">GPT partition UUID.</param>
/// <param name="Attributes">GPT attribute word.</param>
/// <param name="Label">GPT partition name.</param>
/// <param name="DeviceNode">Partition device node, when the disk is a block device.</param>
internal sealed record PartitionSlot(
    string DiskPath, int Number, long StartBytes, long SizeBytes, Guid Type, Guid Uuid, ulong Attributes, string Label, string? DeviceNode);
