namespace SysUpdate.Core.Manifests;

/// <summary>One line of a SHA256SUMS manifest: a relative file name and its lowercase hex SHA-256, with its 1-based line.</summary>
internal sealed record ManifestEntry(string Name, string Sha256Hex, int Line);
