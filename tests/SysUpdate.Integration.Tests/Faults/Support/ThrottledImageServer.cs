using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SysUpdate.Integration.Tests.Faults.Support;

/// <summary>
/// A Kestrel server on 127.0.0.1 (ephemeral port) that serves files slowly: the body goes out in
/// small chunks paced to <see cref="BytesPerSecond"/>, so a run of the CLI spends a visible time
/// downloading and a test can watch it, race it or kill it. Honours ETag, <c>Range: bytes=N-</c> and
/// <c>If-Range</c>, as a mirror would, so a client's resume path runs too.
/// </summary>
internal sealed class ThrottledImageServer : IAsyncDisposable
{
    private const int ChunkSize = 16 * 1024;

    private readonly ConcurrentDictionary<string, (byte[] Content, string ETag)> _files = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private int _requests;

    private ThrottledImageServer(long bytesPerSecond) => BytesPerSecond = bytesPerSecond;

    public long BytesPerSecond { get; }

    /// <summary>The base URL, without trailing slash.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Requests served so far (any path).</summary>
    public int RequestCount => Volatile.Read(ref _requests);

    public static async Task<ThrottledImageServer> StartAsync(long bytesPerSecond)
    {
        var server = new ThrottledImageServer(bytesPerSecond);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server._app = app;
        server.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        return server;
    }

    /// <summary>Serves <paramref name="content"/> as <c>/NAME</c> (replacing what was there).</summary>
    public void Serve(string name, byte[] content) =>
        _files["/" + name] = (content, "\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..16] + "\"");

    public void Remove(string name) => _files.TryRemove("/" + name, out _);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _app.StopAsync(timeout.Token);
            await _app.DisposeAsync();
        }
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        HttpResponse response = context.Response;
        if (!_files.TryGetValue(context.Request.Path.Value ?? "/", out var file))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        response.Headers.ETag = file.ETag;
        response.Headers.AcceptRanges = "bytes";
        long start = 0;
        string range = context.Request.Headers.Range.ToString();
        string ifRange = context.Request.Headers.IfRange.ToString();
        if (range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-')
            && long.TryParse(range.AsSpan(6, range.Length - 7), NumberStyles.None, CultureInfo.InvariantCulture, out long from)
            && (ifRange.Length == 0 || ifRange == file.ETag))
        {
            if (from >= file.Content.Length)
            {
                response.Headers.ContentRange = FormattableString.Invariant($"bytes */{file.Content.Length}");
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                return;
            }
            start = from;
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = FormattableString.Invariant($"bytes {from}-{file.Content.Length - 1}/{file.Content.Length}");
        }
        response.ContentLength = file.Content.Length - start;

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, context.RequestAborted);
        try
        {
            await SendPacedAsync(response, file.Content.AsMemory((int)start), linked.Token);
        }
        catch (OperationCanceledException)
        {
            // The client went away (killed, or gave up): nothing more to send.
        }
    }

    private async Task SendPacedAsync(HttpResponse response, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long sent = 0;
        while (sent < body.Length)
        {
            int count = (int)Math.Min(ChunkSize, body.Length - sent);
            await response.Body.WriteAsync(body.Slice((int)sent, count), cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            sent += count;
            // Pace against the start of the response, so timer granularity does not add up.
            var due = TimeSpan.FromSeconds(sent / (double)BytesPerSecond);
            if (due > clock.Elapsed)
                await Task.Delay(due - clock.Elapsed, cancellationToken);
        }
    }
}
