using Microsoft.Extensions.Logging;
using SysUpdate.Core.Config;
using SysUpdate.Core.Manifests;
using SysUpdate.Core.Transport;

namespace SysUpdate.Core.Sources;

/// <summary>
/// What URL sources share within one run: the HTTP client (created only when a URL source exists,
/// so local-only runs start fast), the conditional-GET cache and the manifest cache.
/// </summary>
internal sealed class UrlSourceServices(SysUpdateOptions options, ILogger logger) : IDisposable
{
    private HttpTransportFactory? _factory;
    private TransportClient? _client;
    private ManifestLoader? _manifests;

    public TransportClient Transport => _client ??= CreateClient();

    public ManifestLoader Manifests => _manifests ??= new ManifestLoader(Transport,
        SignatureVerifier.FromEnvironment(options.Root), () => DateTimeOffset.UtcNow,
        verifyFreshness: !(options.Environment("SYSTEMD_SYSUPDATE_VERIFY_FRESHNESS") is { } f && ConfigValues.TryParseBoolean(f, out bool fresh) && !fresh),
        logger);

    /// <summary><c>--verify</c> wins, then <c>SYSTEMD_SYSUPDATE_NO_VERIFY=1</c>, then the transfer's <c>Verify=</c> (default yes).</summary>
    public bool ShouldVerify(Transfer transfer)
    {
        if (options.Verify is { } forced)
            return forced;
        if (options.Environment("SYSTEMD_SYSUPDATE_NO_VERIFY") is { } v && ConfigValues.TryParseBoolean(v, out bool noVerify) && noVerify)
            return false;
        return transfer.Verify ?? true;
    }

    private TransportClient CreateClient()
    {
        _factory = new HttpTransportFactory(new TransportOptions());
        return _factory.CreateClient(CacheDirectory());
    }

    private string? CacheDirectory()
    {
        string dir = options.Environment("SYSUPDATE_CACHE_DIRECTORY") ?? "/var/cache/sysupdate/http";
        try
        {
            Directory.CreateDirectory(dir);
            return dir;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // conditional GET is an optimisation; without a cache every run fetches in full
        }
    }

    public void Dispose() => _factory?.Dispose();
}
