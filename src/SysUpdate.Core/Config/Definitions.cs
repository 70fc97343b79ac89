namespace SysUpdate.Core.Config;

/// <summary>Everything one definitions directory set says: its features, its transfers (enabled and
/// disabled, in file-name order) and, for a component, the component's metadata.</summary>
internal sealed record Definitions
{
    public required DefinitionDirectories Directories { get; init; }

    public required IReadOnlyList<Feature> Features { get; init; }

    public required IReadOnlyList<Transfer> Transfers { get; init; }

    public Component? Component { get; init; }

    public IReadOnlyList<ConfigDiagnostic> Diagnostics { get; init; } = [];

    public IEnumerable<Transfer> EnabledTransfers => Transfers.Where(t => t.Enabled);

    public IEnumerable<Transfer> DisabledTransfers => Transfers.Where(t => !t.Enabled);

    public Feature? FindFeature(string id) => Features.FirstOrDefault(f => f.Id == id);
}
