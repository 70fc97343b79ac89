namespace SysUpdate.Core.Disk;

/// <summary>One named partition type: its systemd-repart name, UUID, role and architecture (null if none).</summary>
internal readonly record struct GptPartitionTypeEntry(string Name, Guid Uuid, GptPartitionDesignator Designator, string? Architecture);
