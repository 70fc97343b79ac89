namespace SysUpdate.Core.Disk;

/// <summary>A partition for <see cref="GptImageBuilder"/> to lay out: type, name and size in bytes
/// (rounded up to whole sectors); the UUID is random unless given.</summary>
internal sealed record GptPartitionSpec(Guid Type, string Name, long SizeBytes)
{
    public Guid Uuid { get; init; } = Guid.NewGuid();

    public ulong Attributes { get; init; }

    /// <summary>Place the entry at this LBA exactly, unchecked — it may overlap others or leave the usable range.
    /// Only for making the bad tables that writers must refuse; null lays it out after the previous one.</summary>
    public ulong? FirstLba { get; init; }
}
