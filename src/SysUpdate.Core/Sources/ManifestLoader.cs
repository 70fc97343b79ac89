using Microsoft.Extensions.Logging;
using SysUpdate.Core.Manifests;
using SysUpdate.Core.Transport;

namespace SysUpdate.Core.Sources;

/// <summary>
/// Fetches <c>&lt;base&gt;/SHA256SUMS</c> once per run per (URL, verify) pair, checks its detached
/// OpenPGP signature (<c>SHA256SUMS.gpg</c>, else <c>SHA256SUMS.asc</c>) when verification is on,
/// and parses it strictly. A missing or bad signature fails before anything is downloaded or removed.
/// The manifest and its signature are one pair: when either changed on the server, both are fetched
/// whole and verified as fetched; when a pair that came (even partly) from the conditional-GET cache
/// does not verify or parse, both are fetched whole once more, so a stale cache never hides a release.
/// </summary>
internal sealed class ManifestLoader(TransportClient transport, SignatureVerifier verifier, Func<DateTimeOffset> clock,
    bool verifyFreshness, ILogger logger)
{
    private const int MaxCachedManifests = 64;
    private const long MaxManifestBytes = 64L * 1024 * 1024;
    private const long MaxSignatureBytes = 1024 * 1024;
    private static readonly string[] SignatureSuffixes = [".gpg", ".asc"];

    private readonly Dictionary<(string Url, bool Verify), Manifest> _cache = new();
    private readonly SemaphoreSlim _lock = new(1, 1);

    public async Task<Manifest> LoadAsync(string baseUrl, bool verify, CancellationToken cancellationToken = default)
    {
        var manifestUrl = new Uri(baseUrl.TrimEnd('/') + "/SHA256SUMS");
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_cache.TryGetValue((manifestUrl.AbsoluteUri, verify), out var cached))
                return cached;

            var manifest = await FetchAsync(manifestUrl, verify, CachePolicy.Conditional, cancellationToken).ConfigureAwait(false);
            if (_cache.Count < MaxCachedManifests)
                _cache[(manifestUrl.AbsoluteUri, verify)] = manifest;
            return manifest;
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<Manifest> FetchAsync(Uri manifestUrl, bool verify, CachePolicy policy, CancellationToken cancellationToken)
    {
        var fetched = await transport.GetSmallFileAsync(manifestUrl, MaxManifestBytes, policy, cancellationToken).ConfigureAwait(false);
        FetchedFile? signature = null;
        if (verify)
        {
            signature = await FetchSignatureAsync(manifestUrl, policy, cancellationToken).ConfigureAwait(false);
            if (fetched.FromCache && !signature.FromCache)
                fetched = await transport.GetSmallFileAsync(manifestUrl, MaxManifestBytes, CachePolicy.Refresh, cancellationToken).ConfigureAwait(false);
            else if (signature.FromCache && !fetched.FromCache)
                signature = await transport.GetSmallFileAsync(signature.Url, MaxSignatureBytes, CachePolicy.Refresh, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            if (signature is not null)
                await verifier.VerifyAsync(fetched.Content, signature.Content, TransportException.Display(manifestUrl), cancellationToken).ConfigureAwait(false);
            return Sha256SumsParser.Parse(fetched.Content.Span, TransportException.Display(manifestUrl), clock(), verifyFreshness, logger);
        }
        catch (SysUpdateException) when (policy == CachePolicy.Conditional && (fetched.FromCache || signature is { FromCache: true }))
        {
            // The server said "not modified" for something that no longer verifies: trust the server's bytes, not the cache.
            return await FetchAsync(manifestUrl, verify, CachePolicy.Refresh, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<FetchedFile> FetchSignatureAsync(Uri manifestUrl, CachePolicy policy, CancellationToken cancellationToken)
    {
        foreach (string suffix in SignatureSuffixes)
        {
            var url = new Uri(manifestUrl.AbsoluteUri + suffix);
            var signature = await transport.TryGetSmallFileAsync(url, MaxSignatureBytes, policy, cancellationToken).ConfigureAwait(false);
            if (signature is not null)
                return signature;
        }
        throw new SysUpdateException(
            $"{TransportException.Display(manifestUrl)}: no detached signature (SHA256SUMS.gpg or SHA256SUMS.asc) found next to the manifest, refusing; publish one or use --verify=no")
        { Errno = Errno.EPROTO };
    }
}
