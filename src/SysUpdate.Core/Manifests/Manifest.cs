namespace SysUpdate.Core.Manifests;

/// <summary>
/// A parsed SHA256SUMS manifest: its file entries in file order (BEST-BEFORE markers excluded) and the
/// earliest valid BEST-BEFORE date, if any.
/// </summary>
internal sealed record Manifest(IReadOnlyList<ManifestEntry> Entries, DateOnly? BestBefore);
