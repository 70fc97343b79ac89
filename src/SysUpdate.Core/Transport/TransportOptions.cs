using System.Reflection;

namespace SysUpdate.Core.Transport;

/// <summary>
/// Timeouts, retry and redirect limits of the HTTP transport. Immutable; every value is checked
/// when it is set, so an instance is always usable.
/// </summary>
internal sealed record TransportOptions
{
    /// <summary><c>sysupdate/&lt;version&gt;</c>, the version taken from this assembly.</summary>
    public static string DefaultUserAgent { get; } = "sysupdate/" + AssemblyVersion();

    /// <summary>Longest wait for a TCP (and TLS) connection to be established.</summary>
    public TimeSpan ConnectTimeout
    {
        get;
        init => field = Positive(value);
    } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest time without progress: waiting for the response headers, and between two reads of
    /// the body. A server that sends nothing for this long fails the transfer.
    /// </summary>
    public TimeSpan ReadTimeout
    {
        get;
        init => field = Positive(value);
    } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Bytes per second a body must average over <see cref="LowSpeedTime"/> of waiting for it; slower fails the
    /// transfer with <see cref="TransportError.TooSlow"/> (curl's <c>CURLOPT_LOW_SPEED_LIMIT</c>; systemd's
    /// import tools use 30 bytes/s over 60 s, and so does this). 0 turns the check off.
    /// </summary>
    public long LowSpeedLimit
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must not be negative");
    } = 30;

    /// <summary>The window of <see cref="LowSpeedLimit"/> (curl's <c>CURLOPT_LOW_SPEED_TIME</c>).</summary>
    public TimeSpan LowSpeedTime
    {
        get;
        init => field = Positive(value);
    } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Bytes per second all downloads of one client may take together (<c>--rate-limit=</c>); 0 is unlimited.
    /// </summary>
    public long RateLimit
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must not be negative");
    }

    /// <summary>Redirects followed per request; one more is an error (a redirect loop shows this way).</summary>
    public int MaxRedirects
    {
        get;
        init => field = value is >= 0 and <= 100 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "0…100");
    } = 10;

    /// <summary>Retries after the first attempt for transient failures (so at most RetryCount + 1 requests).</summary>
    public int RetryCount
    {
        get;
        init => field = value is >= 0 and <= 100 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "0…100");
    } = 3;

    /// <summary>Base of the exponential backoff (with jitter) between retries.</summary>
    public TimeSpan RetryBaseDelay
    {
        get;
        init => field = Positive(value);
    } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of one backoff delay, also for a server's <c>Retry-After</c>.</summary>
    public TimeSpan RetryMaxDelay
    {
        get;
        init => field = Positive(value);
    } = TimeSpan.FromSeconds(30);

    /// <summary>How long a pooled connection is reused (so DNS changes are picked up).</summary>
    public TimeSpan PooledConnectionLifetime
    {
        get;
        init => field = Positive(value);
    } = TimeSpan.FromMinutes(5);

    /// <summary>The <c>User-Agent</c> header of every request.</summary>
    public string UserAgent
    {
        get;
        init => field = string.IsNullOrWhiteSpace(value) || value.AsSpan().ContainsAny('\r', '\n')
            ? throw new ArgumentException("User-Agent must be a non-empty single line.", nameof(value))
            : value;
    } = DefaultUserAgent;

    /// <summary>A fresh meter for one body, or null when the low-speed check is off.</summary>
    internal LowSpeedMeter? CreateLowSpeedMeter() => LowSpeedLimit > 0 ? new LowSpeedMeter(LowSpeedLimit, LowSpeedTime) : null;

    private static TimeSpan Positive(TimeSpan value) =>
        value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be positive");

    private static string AssemblyVersion()
    {
        string? version = typeof(TransportOptions).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(version))
        {
            return "0";
        }

        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus > 0 ? version[..plus] : version;
    }
}
