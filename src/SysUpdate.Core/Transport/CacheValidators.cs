namespace SysUpdate.Core.Transport;

/// <summary>
/// Decides whether a response's validators may be kept for a later conditional GET. A
/// Last-Modified less than one second older than the response's Date is a weak validator
/// (RFC 9110 §8.8.2.2): the file may change again within the same second without a new time.
/// Servers such as nginx derive their ETag from that time and the size, so such an ETag is no
/// better; only a strong ETag without any Last-Modified is trusted on its own.
/// </summary>
internal static class CacheValidators
{
    private static readonly TimeSpan Resolution = TimeSpan.FromSeconds(1);

    /// <param name="etag">The ETag as sent (with quotes, perhaps <c>W/</c>), or null.</param>
    /// <param name="lastModified">The Last-Modified header, or null.</param>
    /// <param name="date">The response's Date header; when absent, <paramref name="received"/> stands in.</param>
    /// <param name="received">When the response arrived, by our clock.</param>
    public static bool AreStable(string? etag, DateTimeOffset? lastModified, DateTimeOffset? date, DateTimeOffset received)
    {
        if (lastModified is DateTimeOffset modified)
            return (date ?? received) - modified >= Resolution;
        return etag is not null && !etag.StartsWith("W/", StringComparison.Ordinal);
    }
}
