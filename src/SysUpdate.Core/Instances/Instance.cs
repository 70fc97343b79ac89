using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Instances;

/// <summary>
/// One concrete version of a resource: a file, a directory, a GPT partition or a manifest entry
/// whose name matched one of the resource's patterns.
/// </summary>
/// <param name="Path">File-system path, URL, or partition device node (the disk path for image files).</param>
/// <param name="Metadata">What the pattern and the object itself tell; <see cref="InstanceMetadata.Version"/> is always set.</param>
/// <param name="IsPartial">Mid-download: <c>.sysupdate.partial.</c> name or the derived partial partition type.</param>
/// <param name="IsPending">Downloaded, awaiting install: <c>.sysupdate.pending.</c> name or the derived pending type.</param>
internal sealed record Instance(string Path, InstanceMetadata Metadata, bool IsPartial = false, bool IsPending = false)
{
    public string Version => Metadata.Version!;

    /// <summary>For partition instances: where the slot is on its disk.</summary>
    public PartitionSlot? Partition { get; init; }

    /// <summary>For <c>url-file</c> sources: the casync index of this version's image and its chunk store, when
    /// the manifest lists one (see <see cref="Delta.ChunkIndexLocator"/>); null otherwise.</summary>
    public Delta.ChunkIndexReference? ChunkIndex { get; init; }

    /// <summary>The index name looked for in vain when the manifest lists indexes of other images (a publisher that
    /// makes deltas left this one out: worth a line); null otherwise.</summary>
    public string? MissingChunkIndex { get; init; }

    /// <summary>For <c>url-*</c> sources: the manifest's staged-rollout share of this version; null when every machine may take it.</summary>
    public Manifests.RolloutEntry? Rollout { get; init; }

    /// <summary>The path as stored, without a partial/pending prefix (what it will be called once installed).</summary>
    public string? FinalPath { get; init; }
}
