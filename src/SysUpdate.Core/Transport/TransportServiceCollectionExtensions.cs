using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace SysUpdate.Core.Transport;

/// <summary>Registers the HTTP client <see cref="TransportClient"/> uses.</summary>
internal static class TransportServiceCollectionExtensions
{
    /// <summary>
    /// Adds the named clients <see cref="TransportClient.HttpClientName"/> and
    /// <see cref="TransportClient.BulkHttpClientName"/> (the same, but each connection is a
    /// <see cref="BlockingSocketStream"/>: for payload bodies only), each: a
    /// <see cref="SocketsHttpHandler"/> with the connect timeout, redirect limit and connection
    /// lifetime of <paramref name="options"/>, no automatic decompression (hashes cover the bytes as
    /// published), no overall timeout (reads are timed by <see cref="DownloadStream"/>), and the
    /// User-Agent. The factory's per-request log lines are removed; <see cref="TransportClient"/>
    /// logs what matters.
    /// </summary>
    /// <param name="handlerCreated">Told of each primary handler the factory creates. The factory never disposes
    /// them itself (its handlers never expire, and disposing the container leaves them to the garbage collector,
    /// keep-alive connections included), so an owner that wants its connections closed disposes them.</param>
    public static IServiceCollection AddSysUpdateTransport(this IServiceCollection services, TransportOptions options,
        Action<SocketsHttpHandler>? handlerCreated = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);

        AddClient(services, TransportClient.HttpClientName, options, handlerCreated, bulk: false);
        AddClient(services, TransportClient.BulkHttpClientName, options, handlerCreated, bulk: true);
        return services;
    }

    private static void AddClient(IServiceCollection services, string name, TransportOptions options,
        Action<SocketsHttpHandler>? handlerCreated, bool bulk) =>
        services.AddHttpClient(name, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.Clear();
                client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", options.UserAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(() =>
            {
                var handler = CreatePrimaryHandler(options);
                if (bulk)
                    handler.ConnectCallback = BlockingSocketConnector.ConnectAsync;
                handlerCreated?.Invoke(handler);
                return handler;
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();

    private static SocketsHttpHandler CreatePrimaryHandler(TransportOptions options) => new()
    {
        ConnectTimeout = options.ConnectTimeout,
        AllowAutoRedirect = options.MaxRedirects > 0,
        MaxAutomaticRedirections = Math.Max(1, options.MaxRedirects),
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = options.PooledConnectionLifetime,
        UseCookies = false,

        // An abandoned body (stalled or unwanted download) closes its connection at once
        // instead of being drained for reuse, which would block on a stalled server.
        MaxResponseDrainSize = 0,
    };
}
