namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// How <see cref="NginxServer"/> serves its root beyond plain static files.
/// </summary>
internal sealed record NginxOptions
{
    /// <summary>URL path prefixes (e.g. <c>/default.castr/</c>) answered with <see cref="FailingStatus"/>
    /// instead of their files: a store that is "unreachable" while the rest of the release is served.</summary>
    public IReadOnlyList<string> FailingPrefixes { get; init; } = [];

    /// <summary>The status the <see cref="FailingPrefixes"/> answer with.</summary>
    public int FailingStatus { get; init; } = 500;

    /// <summary>nginx's <c>limit_rate</c> in bytes per second, per connection; null for no limit.</summary>
    public long? LimitRatePerConnection { get; init; }

    /// <summary>Listen on this port (to come back on the same URL after <see cref="NginxServer.StopAsync"/>, as a server
    /// does after an outage); null picks a free one.</summary>
    public int? Port { get; init; }
}
