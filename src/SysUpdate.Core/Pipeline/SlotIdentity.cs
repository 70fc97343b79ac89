namespace SysUpdate.Core.Pipeline;

/// <summary>Which partition slot a <see cref="SlotResumeRecord"/> describes: the disk as the transfer names it (without
/// <c>--root</c>), the GPT entry number and partition UUID, and the slot's extent. A slot that was recreated, moved or
/// resized, or another disk under the same name, no longer matches.</summary>
internal readonly record struct SlotIdentity(string Disk, int Partition, Guid Uuid, long StartBytes, long SizeBytes);
