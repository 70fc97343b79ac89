using SysUpdate.Core.Config;
using SysUpdate.Core.Instances;
using SysUpdate.Core.Pipeline;
using SysUpdate.Core.Sources;
using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Targets;

/// <summary>
/// Where versions are installed: a directory of files or trees, or the slots of a GPT disk.
/// Lifecycle per update: <see cref="Prepare"/> (all names computed and validated before anything is
/// removed) → vacuum (<see cref="RemoveTemporary"/>, <see cref="RemoveInstanceAsync"/>) →
/// <see cref="AcquireAsync"/> (payload written, left pending) → <see cref="InstallAsync"/> (made visible).
/// </summary>
internal interface ITargetResource
{
    ResourceType Type { get; }

    /// <summary>The resolved directory or disk, for messages.</summary>
    string Location { get; }

    /// <summary>The installed, partial and pending instances (newest first) and, for partitions, the
    /// number of free slots.</summary>
    Task<TargetInventory> DiscoverAsync(CancellationToken cancellationToken = default);

    /// <summary>Computes the names the new instance will carry; throws (before anything changes) when
    /// the formatted pattern is unusable.</summary>
    PreparedInstall Prepare(InstanceMetadata metadata);

    /// <summary>Recomputes the names of an already pending instance for <see cref="InstallAsync"/>.</summary>
    PreparedInstall PrepareFromPending(Instance pending, InstanceMetadata metadata);

    void RemoveTemporary();

    Task RemoveInstanceAsync(Instance instance, CancellationToken cancellationToken = default);

    /// <summary>Writes the payload and leaves it pending. A <c>url-file</c> version with a casync index is put together
    /// from local copies and fetched chunks (<see cref="Delta.DeltaDownload"/>) when that works, else downloaded whole.</summary>
    Task AcquireAsync(PreparedInstall prepared, Instance source, ISourceResource sourceResource, InstanceMetadata metadata,
        Action<PayloadProgress>? onProgress, CancellationToken cancellationToken = default);

    /// <returns>The path of the installed instance (file, directory, or partition device/disk).</returns>
    Task<string> InstallAsync(PreparedInstall prepared, CancellationToken cancellationToken = default);
}

/// <summary>Instances of a target and its free partition slots.</summary>
internal sealed record TargetInventory(IReadOnlyList<Instance> Instances, int EmptySlots);

/// <summary>Names computed for one new instance. File-system targets use the paths; partition
/// targets the label and slot.</summary>
internal sealed record PreparedInstall
{
    public string? FinalPath { get; init; }

    public string? PartialPath { get; init; }

    public string? PendingPath { get; init; }

    public string? PartitionLabel { get; init; }

    public PartitionSlot? Slot { get; init; }

    public bool? ReadOnly { get; init; }
}
