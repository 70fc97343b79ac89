namespace SysUpdate.Core.Disk;

/// <summary>A partition for <see cref="GptImageBuilder"/> to lay out: type, name and size in bytes
/// (rounded up to whole sectors); the UUID is random unless given.</summary>
internal sealed record GptPartitionSpec(Guid Type, string Name, long SizeBytes)
{
    public Guid Uuid { get; init; } = Guid.NewGuid();

    public ulong Attributes { get; init; }
}
