using System.Globalization;
using Microsoft.Extensions.Logging;
using SysUpdate.Core.Config;
using SysUpdate.Core.Manifests.Trust;
using SysUpdate.Core.Transport;

namespace SysUpdate.Core.Sources;

/// <summary>
/// What URL sources share within one run: the HTTP client (created only when a URL source exists,
/// so local-only runs start fast), the conditional-GET cache, the manifest cache and the download rate limit.
/// </summary>
/// <param name="options">The run's options (<c>--rate-limit=</c>) and environment.</param>
/// <param name="logger">Receives the transport's warnings.</param>
/// <param name="configuredRateLimit">The transfers' <c>RateLimit=</c> for this run, if any.</param>
internal sealed class UrlSourceServices(SysUpdateOptions options, ILogger logger, long? configuredRateLimit = null) : IDisposable
{
    /// <summary>
    /// The environment's rate limit. Named like systemd-sysupdate's own variables
    /// (<c>SYSTEMD_SYSUPDATE_NO_VERIFY</c>, <c>SYSTEMD_SYSUPDATE_VERIFY_FRESHNESS</c>): it changes what the tool does
    /// for one run or one unit (a drop-in's <c>Environment=</c>), as those do.
    /// </summary>
    public const string RateLimitVariable = "SYSTEMD_SYSUPDATE_RATE_LIMIT";

    private HttpTransportFactory? _factory;
    private TransportClient? _client;
    private ManifestLoader? _manifests;
    private SysUpdateConf? _conf;

    public TransportClient Transport => _client ??= CreateClient();

    /// <summary>Which mirror of each url source last worked (below the root).</summary>
    public MirrorPreference MirrorPreference { get; } = new(options.Root);

    public ManifestLoader Manifests => _manifests ??= new ManifestLoader(Transport,
        new ManifestTrustEvaluator([
            OpenPgpSignatureScheme.FromEnvironment(options.Root, logger),
            new SshSignatureScheme(options.Root, options.Environment(SshSignatureScheme.AllowedSignersEnvironmentVariable), logger),
        ]),
        () => DateTimeOffset.UtcNow,
        verifyFreshness: !(options.Environment("SYSTEMD_SYSUPDATE_VERIFY_FRESHNESS") is { } f && ConfigValues.TryParseBoolean(f, out bool fresh) && !fresh),
        logger);

    /// <summary>The transfer's signature schemes and threshold, with <c>sysupdate.conf</c>'s as defaults.</summary>
    /// <exception cref="ConfigSyntaxException">A bad value in <c>sysupdate.conf</c>.</exception>
    public ManifestTrustPolicy TrustPolicy(Transfer transfer) =>
        ManifestTrustSettings.Resolve(transfer, _conf ??= SysUpdateConf.Load(options.Root));

    /// <summary><c>--verify</c> wins, then <c>SYSTEMD_SYSUPDATE_NO_VERIFY=1</c>, then the transfer's <c>Verify=</c> (default yes).</summary>
    public bool ShouldVerify(Transfer transfer)
    {
        if (options.Verify is { } forced)
            return forced;
        if (options.Environment("SYSTEMD_SYSUPDATE_NO_VERIFY") is { } v && ConfigValues.TryParseBoolean(v, out bool noVerify) && noVerify)
            return false;
        return transfer.Verify ?? true;
    }

    /// <summary>
    /// Builds the HTTP client. The defaults of <see cref="TransportOptions"/> (read timeout 60 s, 3 retries,
    /// 1 s base backoff) can be overridden from the environment, mainly so tests of failing servers run fast:
    /// <list type="bullet">
    /// <item><c>SYSUPDATE_HTTP_READ_TIMEOUT_SEC</c>: longest wait for response headers or between body reads,
    /// in seconds (positive, fractions allowed).</item>
    /// <item><c>SYSUPDATE_HTTP_LOW_SPEED_LIMIT</c>: bytes per second a download must average over
    /// <c>SYSUPDATE_HTTP_LOW_SPEED_TIME_SEC</c> seconds (default 30 over 60, as curl's low-speed limit in
    /// systemd-pull); 0 turns the check off.</item>
    /// <item><c>SYSUPDATE_HTTP_RETRIES</c>: retries after the first attempt for transient failures (0…100).</item>
    /// <item><c>SYSUPDATE_HTTP_RETRY_DELAY_MS</c>: base of the exponential backoff between retries, in
    /// milliseconds (positive).</item>
    /// </list>
    /// An unparsable or out-of-range value is an error naming the variable.
    /// </summary>
    private TransportClient CreateClient()
    {
        var transportOptions = new TransportOptions { RateLimit = RateLimit() };
        if (Number("SYSUPDATE_HTTP_READ_TIMEOUT_SEC", 0.001, 86_400) is { } readSeconds)
            transportOptions = transportOptions with { ReadTimeout = TimeSpan.FromSeconds(readSeconds) };
        if (Number("SYSUPDATE_HTTP_LOW_SPEED_LIMIT", 0, 1L << 40, integer: true) is { } lowSpeed)
            transportOptions = transportOptions with { LowSpeedLimit = (long)lowSpeed };
        if (Number("SYSUPDATE_HTTP_LOW_SPEED_TIME_SEC", 0.001, 86_400) is { } lowSpeedSeconds)
            transportOptions = transportOptions with { LowSpeedTime = TimeSpan.FromSeconds(lowSpeedSeconds) };
        if (Number("SYSUPDATE_HTTP_RETRIES", 0, 100, integer: true) is { } retries)
            transportOptions = transportOptions with { RetryCount = (int)retries };
        if (Number("SYSUPDATE_HTTP_RETRY_DELAY_MS", 1, 3_600_000) is { } delayMs)
            transportOptions = transportOptions with { RetryBaseDelay = TimeSpan.FromMilliseconds(delayMs) };
        _factory = new HttpTransportFactory(transportOptions);
        return _factory.CreateClient(CacheDirectory());
    }

    /// <summary><c>--rate-limit=</c> wins, then <see cref="RateLimitVariable"/>, then the transfers' <c>RateLimit=</c>; else unlimited.</summary>
    private long RateLimit()
    {
        if (options.RateLimit is { } fromOption)
            return fromOption;
        if (options.Environment(RateLimitVariable) is { Length: > 0 } text)
        {
            return ConfigValues.TryParseSize(text, out long fromEnvironment)
                ? fromEnvironment
                : throw new SysUpdateException(
                    $"{RateLimitVariable}={text}: expected bytes per second with an optional K, M or G suffix (e.g. 16M), or 0 for unlimited")
                { Errno = Errno.EINVAL };
        }

        return configuredRateLimit ?? 0;
    }

    private double? Number(string variable, double min, double max, bool integer = false)
    {
        if (options.Environment(variable) is not { Length: > 0 } text)
            return null;
        var styles = integer ? NumberStyles.None : NumberStyles.AllowDecimalPoint;
        return double.TryParse(text, styles, CultureInfo.InvariantCulture, out double value) && value >= min && value <= max
            ? value
            : throw new SysUpdateException(string.Create(CultureInfo.InvariantCulture,
                $"{variable}={text}: expected {(integer ? "an integer" : "a number")} from {min} to {max}")) { Errno = Errno.EINVAL };
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
