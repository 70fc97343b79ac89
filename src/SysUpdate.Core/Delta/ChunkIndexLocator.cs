using SysUpdate.Core.Manifests;

namespace SysUpdate.Core.Delta;

/// <summary>
/// Finds the casync index of a published image in its manifest: the image's name without a compression
/// suffix, plus <c>.caibx</c> (<c>usr_3.raw.caibx</c> for <c>usr_3.raw.zst</c> or <c>usr_3.raw</c>), with the
/// chunk store at <c>default.castr/</c> beside the manifest (casync's default name) unless the transfer
/// names another with <c>ChunkStore=</c>.
/// </summary>
internal static class ChunkIndexLocator
{
    public const string IndexSuffix = ".caibx";

    public const string DefaultStoreName = "default.castr";

    private static readonly string[] CompressionSuffixes = [".zst", ".zstd", ".xz", ".gz", ".bz2"];

    /// <summary>The name of the index that describes <paramref name="imageName"/>'s uncompressed bytes.</summary>
    public static string IndexNameFor(string imageName)
    {
        ArgumentException.ThrowIfNullOrEmpty(imageName);
        return StripCompressionSuffix(imageName) + IndexSuffix;
    }

    /// <summary>The reference for <paramref name="image"/>, or null when the manifest lists no index for it.</summary>
    /// <param name="baseUrl">The source's <c>Path=</c>: the directory holding the manifest.</param>
    /// <param name="storeOverride">The transfer's <c>ChunkStore=</c>, or null for <c>default.castr/</c> beside the manifest.</param>
    public static ChunkIndexReference? Find(Manifest manifest, ManifestEntry image, string baseUrl, string? storeOverride)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(baseUrl);
        if (image.Name.EndsWith(IndexSuffix, StringComparison.Ordinal))
            return null; // the payload is itself an index file (TEST-72 publishes such files as ordinary payloads)
        string indexName = IndexNameFor(image.Name);
        var index = manifest.Entries.FirstOrDefault(e => e.Name == indexName);
        if (index is null)
            return null;
        string directory = baseUrl.TrimEnd('/') + "/";
        var store = new Uri(storeOverride is null ? directory + DefaultStoreName + "/" : storeOverride.TrimEnd('/') + "/");
        bool raw = StripCompressionSuffix(image.Name) == image.Name;
        return new ChunkIndexReference(new Uri(directory + index.Name), index.Sha256Hex, store, raw ? image.Sha256Hex : null);
    }

    private static string StripCompressionSuffix(string name)
    {
        foreach (string suffix in CompressionSuffixes)
        {
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal))
                return name[..^suffix.Length];
        }
        return name;
    }
}
