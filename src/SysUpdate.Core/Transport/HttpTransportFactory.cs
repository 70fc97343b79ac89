using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SysUpdate.Core.Transport;

/// <summary>
/// A self-contained <see cref="IHttpClientFactory"/> (its own service provider with
/// <see cref="TransportServiceCollectionExtensions.AddSysUpdateTransport"/>) for callers without a
/// container of their own, such as the CLI and tests. Owns the connection pool: dispose it last, and its
/// connections close then (a long-running service creates one per call with a URL source).
/// </summary>
internal sealed class HttpTransportFactory : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly List<SocketsHttpHandler> _handlers = [];

    /// <param name="options">Timeouts, limits and User-Agent.</param>
    /// <param name="loggerFactory">Used for <see cref="TransportClient"/>'s log; not disposed here.</param>
    public HttpTransportFactory(TransportOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _loggerFactory = loggerFactory;
        var services = new ServiceCollection();
        if (loggerFactory is not null)
        {
            services.AddSingleton(loggerFactory);
        }

        services.AddSysUpdateTransport(options, handler =>
        {
            lock (_handlers)
                _handlers.Add(handler);
        });
        _services = services.BuildServiceProvider();
        HttpClientFactory = _services.GetRequiredService<IHttpClientFactory>();
    }

    public TransportOptions Options { get; }

    public IHttpClientFactory HttpClientFactory { get; }

    /// <summary>A client using this factory's connections; <paramref name="cacheDirectory"/> null disables conditional GETs.</summary>
    public TransportClient CreateClient(string? cacheDirectory = null) =>
        new(HttpClientFactory, Options, cacheDirectory, _loggerFactory?.CreateLogger<TransportClient>());

    public void Dispose()
    {
        _services.Dispose();
        lock (_handlers)
        {
            foreach (var handler in _handlers)
                handler.Dispose(); // closes idle connections now; one still reading a body closes once that is disposed
            _handlers.Clear();
        }
    }
}
