namespace SysUpdate.Core.Manifests;

/// <summary>
/// A parsed SHA256SUMS manifest: its file entries in file order (BEST-BEFORE markers excluded) and the
/// earliest valid BEST-BEFORE date, if any, and the staged-rollout entries (<c>ROLLOUT-…</c>, also not file entries).
/// </summary>
internal sealed record Manifest(IReadOnlyList<ManifestEntry> Entries, DateOnly? BestBefore)
{
    /// <summary>At most one per version, in file order.</summary>
    public IReadOnlyList<RolloutEntry> Rollouts { get; init; } = [];

    /// <summary>The rollout entry for <paramref name="version"/> (exact string), or null when the whole fleet may take it.</summary>
    public RolloutEntry? RolloutFor(string version) => Rollouts.FirstOrDefault(r => r.Version == version);
}
