using SysUpdate.Core.Instances;

namespace SysUpdate.Core.Planning;

/// <summary>
/// One version across all enabled transfers: for each transfer (in transfer order) the instance that
/// provides it — a target instance when installed, a source instance when only available, or null
/// when that transfer lacks it.
/// </summary>
internal sealed class UpdateSet
{
    private readonly Instance?[] _instances;

    public UpdateSet(string version, UpdateSetFlags flags, Instance?[] instances)
    {
        Version = version;
        Flags = flags;
        _instances = instances;
    }

    public string Version { get; }

    public UpdateSetFlags Flags { get; internal set; }

    public IReadOnlyList<Instance?> Instances => _instances;

    internal void FillMissing(IReadOnlyList<Instance?> more)
    {
        for (int i = 0; i < _instances.Length; i++)
            _instances[i] ??= more[i];
    }

    public bool Has(UpdateSetFlags flags) => (Flags & flags) == flags;

    public override string ToString() => $"{Version} ({Flags})";
}
