using Microsoft.Extensions.Logging;
using SysUpdate.Core.Manifests;
using SysUpdate.Core.Transport;

namespace SysUpdate.Core.Sources;

/// <summary>
/// Fetches <c>&lt;base&gt;/SHA256SUMS</c> once per run per (URL, verify) pair, checks its detached
/// OpenPGP signature (<c>SHA256SUMS.gpg</c>, else <c>SHA256SUMS.asc</c>) when verification is on,
/// and parses it strictly. A missing or bad signature fails before anything is downloaded or removed.
/// </summary>
internal sealed class ManifestLoader(TransportClient transport, SignatureVerifier verifier, Func<DateTimeOffset> clock,
    bool verifyFreshness, ILogger logger)
{
    private const int MaxCachedManifests = 64;
    private const long MaxManifestBytes = 64L * 1024 * 1024;

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

            var fetched = await transport.GetSmallFileAsync(manifestUrl, MaxManifestBytes, cancellationToken).ConfigureAwait(false);
            if (verify)
            {
                var signature = await transport.TryGetSmallFileAsync(new Uri(manifestUrl.AbsoluteUri + ".gpg"), 1024 * 1024, cancellationToken).ConfigureAwait(false)
                    ?? await transport.TryGetSmallFileAsync(new Uri(manifestUrl.AbsoluteUri + ".asc"), 1024 * 1024, cancellationToken).ConfigureAwait(false)
                    ?? throw new SysUpdateException(
                        $"{TransportException.Display(manifestUrl)}: no detached signature (SHA256SUMS.gpg or SHA256SUMS.asc) found next to the manifest, refusing; publish one or use --verify=no")
                    { ErrnoName = "EPROTO" };
                await verifier.VerifyAsync(fetched.Content, signature.Content, TransportException.Display(manifestUrl), cancellationToken).ConfigureAwait(false);
            }

            var manifest = Sha256SumsParser.Parse(fetched.Content.Span, TransportException.Display(manifestUrl), clock(), verifyFreshness, logger);
            if (_cache.Count < MaxCachedManifests)
                _cache[(manifestUrl.AbsoluteUri, verify)] = manifest;
            return manifest;
        }
        finally
        {
            _lock.Release();
        }
    }
}
