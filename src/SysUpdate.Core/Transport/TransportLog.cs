using Microsoft.Extensions.Logging;

namespace SysUpdate.Core.Transport;

internal static partial class TransportLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "{Url}: retry {Attempt} of {MaxAttempts} in {Delay} after: {Reason}")]
    public static partial void Retrying(ILogger logger, string url, int attempt, int maxAttempts, TimeSpan delay, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "{Url}: server cannot resume at byte {Offset} (HTTP 416), downloading from the start")]
    public static partial void RangeNotSatisfiable(ILogger logger, string url, long offset);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "{Url}: could not update the cache: {Reason}")]
    public static partial void CacheStoreFailed(ILogger logger, string url, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug,
        Message = "{Url}: not modified, using the cached copy")]
    public static partial void NotModified(ILogger logger, string url);
}
