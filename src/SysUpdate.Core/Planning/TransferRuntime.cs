using SysUpdate.Core.Config;
using SysUpdate.Core.Instances;
using SysUpdate.Core.Sources;
using SysUpdate.Core.Targets;

namespace SysUpdate.Core.Planning;

/// <summary>A transfer during one run: its definition, its resolved source and target, and the
/// instances found there (the target list shrinks as vacuum removes instances).</summary>
internal sealed class TransferRuntime(Transfer definition, ISourceResource source, ITargetResource target)
{
    public Transfer Definition { get; } = definition;

    public ISourceResource Source { get; } = source;

    public ITargetResource Target { get; } = target;

    public string Id => Definition.Id;

    public IReadOnlyList<Instance> SourceInstances { get; set; } = [];

    public List<Instance> TargetInstances { get; set; } = [];

    /// <summary>Free partition slots (<c>_empty</c>); 0 for file-system targets.</summary>
    public int EmptySlots { get; set; }

    public Instance? FindTarget(string version) => InstanceOrder.FindByVersion(TargetInstances, version);

    public bool IsProtected(string version) => Definition.ProtectVersions.Contains(version);

    public TransferInstances Snapshot() => new(Definition, SourceInstances, TargetInstances);
}
