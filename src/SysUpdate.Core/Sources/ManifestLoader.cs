using Microsoft.Extensions.Logging;
using SysUpdate.Core.Manifests;
using SysUpdate.Core.Manifests.Trust;
using SysUpdate.Core.Transport;

namespace SysUpdate.Core.Sources;

/// <summary>
/// Fetches <c>&lt;base&gt;/SHA256SUMS</c> once per run per (URL, verify, trust policy), and when verification is on
/// the signature file of every scheme the policy enables (OpenPGP: <c>SHA256SUMS.gpg</c>, else <c>SHA256SUMS.asc</c>;
/// SSH: <c>SHA256SUMS.sshsig</c>), has <see cref="ManifestTrustEvaluator"/> decide, and parses strictly. A missing or
/// insufficient signature fails before anything is downloaded or removed.
/// The manifest and its signatures are one set: when any of them changed on the server, all are fetched whole and
/// verified as fetched; when a set that came (even partly) from the conditional-GET cache does not verify or parse,
/// all are fetched whole once more, so a stale cache never hides a release.
/// </summary>
internal sealed class ManifestLoader(TransportClient transport, ManifestTrustEvaluator trust, Func<DateTimeOffset> clock,
    bool verifyFreshness, ILogger logger)
{
    private const int MaxCachedManifests = 64;
    private const long MaxManifestBytes = 64L * 1024 * 1024;
    private const long MaxSignatureBytes = 1024 * 1024;

    private readonly Dictionary<(string Url, bool Verify, ManifestTrustPolicy Policy), Manifest> _cache = new();
    private readonly SemaphoreSlim _lock = new(1, 1);

    public async Task<Manifest> LoadAsync(string baseUrl, bool verify, ManifestTrustPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var manifestUrl = new Uri(baseUrl.TrimEnd('/') + "/SHA256SUMS");
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var key = (manifestUrl.AbsoluteUri, verify, policy);
            if (_cache.TryGetValue(key, out var cached))
                return cached;

            var manifest = await FetchAsync(manifestUrl, verify, policy, CachePolicy.Conditional, cancellationToken).ConfigureAwait(false);
            if (_cache.Count < MaxCachedManifests)
                _cache[key] = manifest;
            return manifest;
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<Manifest> FetchAsync(Uri manifestUrl, bool verify, ManifestTrustPolicy policy, CachePolicy cachePolicy, CancellationToken cancellationToken)
    {
        var fetched = await transport.GetSmallFileAsync(manifestUrl, MaxManifestBytes, cachePolicy, cancellationToken).ConfigureAwait(false);
        var signatures = new List<(IManifestSignatureScheme Scheme, FetchedFile File)>();
        if (verify)
        {
            foreach (var scheme in trust.DetachedSchemes(policy))
            {
                if (await FetchSignatureAsync(manifestUrl, scheme, cachePolicy, cancellationToken).ConfigureAwait(false) is { } signature)
                    signatures.Add((scheme, signature));
            }

            // A set mixing cached and fresh files may pair an old manifest with a new signature: refresh the cached ones.
            if (signatures.Count > 0 && (signatures.Any(s => s.File.FromCache) || fetched.FromCache)
                && (signatures.Any(s => !s.File.FromCache) || !fetched.FromCache))
            {
                if (fetched.FromCache)
                    fetched = await transport.GetSmallFileAsync(manifestUrl, MaxManifestBytes, CachePolicy.Refresh, cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < signatures.Count; i++)
                {
                    if (signatures[i].File.FromCache)
                        signatures[i] = (signatures[i].Scheme, await transport.GetSmallFileAsync(signatures[i].File.Url, MaxSignatureBytes, CachePolicy.Refresh, cancellationToken).ConfigureAwait(false));
                }
            }
        }

        string display = TransportException.Display(manifestUrl);
        try
        {
            ReadOnlyMemory<byte> text = verify
                ? await trust.VerifyAsync(policy, display, fetched.Content,
                    [.. signatures.Select(s => new DetachedSignature(s.Scheme, s.File.Content, TransportException.Display(s.File.Url)))],
                    cancellationToken).ConfigureAwait(false)
                : ManifestTrustEvaluator.Unverified(policy, fetched.Content);
            return Sha256SumsParser.Parse(text.Span, display, clock(), verifyFreshness, logger);
        }
        catch (SysUpdateException) when (cachePolicy == CachePolicy.Conditional && (fetched.FromCache || signatures.Any(s => s.File.FromCache)))
        {
            // The server said "not modified" for something that no longer verifies: trust the server's bytes, not the cache.
            return await FetchAsync(manifestUrl, verify, policy, CachePolicy.Refresh, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The scheme's signature file: the first of its suffixes the server has, or null.</summary>
    private async Task<FetchedFile?> FetchSignatureAsync(Uri manifestUrl, IManifestSignatureScheme scheme, CachePolicy cachePolicy, CancellationToken cancellationToken)
    {
        foreach (string suffix in scheme.SignatureSuffixes)
        {
            var url = new Uri(manifestUrl.AbsoluteUri + suffix);
            var signature = await transport.TryGetSmallFileAsync(url, MaxSignatureBytes, cachePolicy, cancellationToken).ConfigureAwait(false);
            if (signature is not null)
                return signature;
        }
        return null;
    }
}
