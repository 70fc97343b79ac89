using SysUpdate.Core.Config;
using SysUpdate.Core.Instances;
using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Targets;

/// <summary>What a new target instance will be: the source's metadata with the transfer's explicit
/// settings taking precedence (upstream's <c>compile_pattern_fields</c>).</summary>
internal static class TargetMetadata
{
    public const ulong DefaultTriesLeft = 3;
    public const ulong DefaultTriesDone = 0;

    public static InstanceMetadata Compile(Transfer transfer, Instance source)
    {
        var m = source.Metadata;
        bool tar = transfer.Source.Type is ResourceType.Tar or ResourceType.UrlTar;
        return new InstanceMetadata
        {
            Version = m.Version,
            PartitionUuid = transfer.PartitionUuid ?? m.PartitionUuid,
            PartitionFlags = transfer.PartitionFlags ?? m.PartitionFlags,
            MtimeMicroseconds = tar ? null : m.MtimeMicroseconds,
            Mode = transfer.Mode ?? (tar ? null : m.Mode),
            Size = m.Size,
            TriesDone = transfer.TriesDone ?? m.TriesDone ?? DefaultTriesDone,
            TriesLeft = transfer.TriesLeft ?? m.TriesLeft ?? DefaultTriesLeft,
            NoAuto = transfer.PartitionNoAuto ?? m.NoAuto,
            ReadOnly = transfer.ReadOnly ?? m.ReadOnly,
            GrowFileSystem = transfer.PartitionGrowFileSystem ?? m.GrowFileSystem,
            Sha256 = m.Sha256,
        };
    }
}
