using System.Security.Cryptography;
using SysUpdate.Core.Config;
using SysUpdate.Core.Delta;
using SysUpdate.Core.Instances;
using SysUpdate.Core.Manifests.Trust;
using SysUpdate.Core.Manifests;
using SysUpdate.Core.Transport;
using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Sources;

/// <summary>
/// A <c>url-file</c> or <c>url-tar</c> source: the instances are the entries of the
/// <c>SHA256SUMS</c> manifest below <c>Path=</c> whose names match a pattern; each carries the
/// manifest's SHA-256, which the download is checked against. A <c>url-file</c> instance whose manifest
/// also lists a casync index of it (<see cref="ChunkIndexLocator"/>) carries that index for a delta download.
/// With <c>Mirror=</c>, the manifest and its signature come from one base URL, the first in order (the one that last
/// worked ahead) that serves a manifest that verifies; the instances then point there, and
/// <see cref="Alternatives"/> names the same file at the other mirrors, checked against that manifest's hash.
/// </summary>
internal sealed class UrlSource(Transfer transfer, ManifestLoader manifests, TransportClient transport, bool verify, ManifestTrustPolicy trustPolicy,
    MirrorPreference? preference = null, Action<string>? warn = null) : ISourceResource, IChunkSource, IMirroredSource
{
    private readonly IReadOnlyList<string> _bases = [transfer.Source.Path!, .. transfer.Source.Mirrors];
    private string? _manifestBase;

    /// <summary>Largest index accepted: 40 bytes per chunk, so 64 MiB describe ≥ 100 GiB at casync's smallest chunks.</summary>
    private const long MaxIndexBytes = 64L * 1024 * 1024;

    public ResourceType Type => transfer.Source.Type;

    /// <summary>The base URL the manifest came from (before discovery: <c>Path=</c>).</summary>
    public string Location => _manifestBase ?? transfer.Source.Path!;

    public async Task<IReadOnlyList<Instance>> DiscoverAsync(CancellationToken cancellationToken = default)
    {
        var manifest = await LoadManifestAsync(cancellationToken).ConfigureAwait(false);
        var plain = transfer.Source.Patterns.Where(p => !p.HasGlobPrefix).ToList();
        var globs = transfer.Source.Patterns.Where(p => p.HasGlobPrefix).Select(p => p.WithoutGlobPrefix()).ToList();
        var found = new List<Instance>();
        bool publishesIndexes = manifest.Entries.Any(e => e.Name.EndsWith(ChunkIndexLocator.IndexSuffix, StringComparison.Ordinal));
        foreach (var entry in manifest.Entries)
        {
            var result = MatchPatterns.MatchAny(plain, entry.Name, out var metadata);
            if (result is not (PatternMatch.Yes or PatternMatch.YesAndRetry) && globs.Count > 0)
                result = MatchPatterns.MatchAny(globs, entry.Name[(entry.Name.LastIndexOf('/') + 1)..], out metadata);
            if (result is not (PatternMatch.Yes or PatternMatch.YesAndRetry))
                continue;
            if (metadata.Sha256 is { } fromName && !string.Equals(fromName, entry.Sha256Hex, StringComparison.OrdinalIgnoreCase))
                throw new SysUpdateException($"{Location}/SHA256SUMS:{entry.Line}: '{entry.Name}' carries SHA-256 {fromName} in its name but the manifest says {entry.Sha256Hex}, refusing")
                { Errno = Errno.EINVAL };
            var index = transfer.Source.Type == ResourceType.UrlFile ? ChunkIndexLocator.Find(manifest, entry, Location, transfer.Source.ChunkStore) : null;
            string? missing = index is null && publishesIndexes && transfer.Source.Type == ResourceType.UrlFile
                && !entry.Name.EndsWith(ChunkIndexLocator.IndexSuffix, StringComparison.Ordinal)
                ? ChunkIndexLocator.IndexNameFor(entry.Name) : null;
            found.Add(new Instance(Location.TrimEnd('/') + "/" + entry.Name, metadata with { Sha256 = entry.Sha256Hex })
            {
                ChunkIndex = index,
                MissingChunkIndex = missing,
                Rollout = manifest.RolloutFor(metadata.Version!),
            });
        }
        return InstanceOrder.NewestFirst(found);
    }

    public IReadOnlyList<Instance> Alternatives(Instance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        string from = Location.TrimEnd('/') + "/";
        if (_bases.Count < 2 || !instance.Path.StartsWith(from, StringComparison.Ordinal))
            return [instance];
        string name = instance.Path[from.Length..];
        return Ordered().Where(b => b != Location).Prepend(Location)
            .Select(b => b == Location ? instance : instance with { Path = b.TrimEnd('/') + "/" + name })
            .ToList();
    }

    public void Worked(Instance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (_bases.Where(b => instance.Path.StartsWith(b.TrimEnd('/') + "/", StringComparison.Ordinal)).MaxBy(b => b.Length) is { } worked)
            preference?.Record(_bases, worked);
    }

    /// <summary>The manifest from the first base URL that serves one that loads (fetched, signature verified, parsed).
    /// Every failure of a base counts, a 404 too: a mirror in the middle of a sync may lack the file or its signature.</summary>
    private async Task<Manifest> LoadManifestAsync(CancellationToken cancellationToken)
    {
        if (_bases.Count < 2)
            return await manifests.LoadAsync(_bases[0], verify, trustPolicy, cancellationToken).ConfigureAwait(false);

        var failures = new List<SysUpdateException>();
        foreach (string baseUrl in Ordered())
        {
            try
            {
                var manifest = await manifests.LoadAsync(baseUrl, verify, trustPolicy, cancellationToken).ConfigureAwait(false);
                _manifestBase = baseUrl;
                preference?.Record(_bases, baseUrl);
                return manifest;
            }
            catch (SysUpdateException ex)
            {
                failures.Add(ex);
                if (failures.Count < _bases.Count)
                    warn?.Invoke($"{ex.Message}; trying the next mirror");
            }
        }
        throw new MirrorsExhaustedException($"{transfer.DefinitionPath}: SHA256SUMS", failures);
    }

    private IReadOnlyList<string> Ordered() => preference?.Order(_bases) ?? _bases;

    public async Task<PublishedPayload> OpenAsync(Instance instance, long offset, string? validator, CancellationToken cancellationToken = default)
    {
        if (instance.Metadata.Sha256 is null)
            throw new SysUpdateException($"SHA256 checksum not known for download '{instance.Path}', refusing.") { Errno = Errno.EINVAL };
        var download = await transport.OpenDownloadAsync(new Uri(instance.Path), offset, validator, cancellationToken).ConfigureAwait(false);
        return new PublishedPayload(download, download.Offset, download.TotalLength, download.Validator);
    }

    public async Task<ChunkIndex> FetchIndexAsync(ChunkIndexReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var file = await transport.GetSmallFileAsync(reference.IndexUrl, MaxIndexBytes, CachePolicy.Bypass, cancellationToken).ConfigureAwait(false);
        string actual = Convert.ToHexStringLower(SHA256.HashData(file.Content.Span));
        if (!string.Equals(actual, reference.IndexSha256, StringComparison.OrdinalIgnoreCase))
            throw new ChunkIndexMismatchException(reference.IndexUrl, reference.IndexSha256, actual);
        return ChunkIndex.Parse(file.Content.Span, TransportException.Display(reference.IndexUrl));
    }

    public ChunkStoreClient OpenStore(ChunkIndexReference reference, ChunkDigestKind digest)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return new ChunkStoreClient(transport, reference.StoreUrl, digest);
    }
}
