using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SysUpdate.Core.Tests.Transport;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (ephemeral port) serving <see cref="ServedFile"/>s with
/// ETag/Last-Modified, conditional GET, single ranges with If-Range, redirects, and injected faults.
/// Every request is recorded with the body bytes actually sent.
/// </summary>
internal sealed class TestHttpServer : IAsyncDisposable
{
    private const int ChunkSize = 8 * 1024;
    private static readonly TimeSpan CutGrace = TimeSpan.FromMilliseconds(150);

    private readonly ConcurrentDictionary<string, ServedFile> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _redirects = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RequestRecord> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;

    private TestHttpServer()
    {
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <param name="certificate">Serve HTTPS with this certificate instead of plain HTTP.</param>
    public static async Task<TestHttpServer> StartAsync(X509Certificate2? certificate = null)
    {
        var server = new TestHttpServer();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
                listen.UseHttps(certificate);
        }));
        WebApplication app = builder.Build();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server._app = app;
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    public Uri Url(string path) => new(BaseUrl, path.TrimStart('/'));

    public ServedFile Serve(string path, byte[] content) => _files[path] = new ServedFile(content);

    public void Redirect(string from, string to) => _redirects[from] = to;

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<RequestRecord> AllRequests() => _requests.ToList();

    public IReadOnlyList<RequestRecord> Requests(string path) => _requests.Where(r => r.Path == path).ToList();

    public int RequestCount(string path) => Requests(path).Count;

    /// <summary>The number of requests for <paramref name="path"/> once at least <paramref name="count"/> have arrived, or
    /// after <paramref name="within"/>. For a client that gave up on its own timer: the server may record its last
    /// request only after the client stopped waiting for it.</summary>
    public async Task<int> RequestCountOnceAsync(string path, int count, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (RequestCount(path) < count && DateTime.UtcNow < deadline)
            await Task.Delay(10);
        return RequestCount(path);
    }

    public long BytesSent(string path) => Requests(path).Sum(r => r.BytesSent);

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
        HttpRequest request = context.Request;
        HttpResponse response = context.Response;
        string path = request.Path.Value ?? "/";
        var record = new RequestRecord(path, request.Headers.Range, request.Headers.IfRange,
            request.Headers.IfNoneMatch, request.Headers.UserAgent)
        {
            Connection = request.Headers.Connection,
            ConnectionId = context.Connection.Id,
        };
        _requests.Enqueue(record);

        if (_redirects.TryGetValue(path, out string? target))
        {
            Respond(record, response, StatusCodes.Status302Found);
            response.Headers.Location = target;
            return;
        }

        if (!_files.TryGetValue(path, out ServedFile? file))
        {
            Respond(record, response, StatusCodes.Status404NotFound);
            return;
        }

        if (file.HeaderDelay > TimeSpan.Zero)
        {
            await WaitAsync(file.HeaderDelay, context);
        }

        if (file.TakeFailure())
        {
            Respond(record, response, file.FailStatus);
            return;
        }

        byte[] content = file.Content;
        if (file.SendETag)
        {
            response.Headers.ETag = file.ETag;
        }

        if (file.SendLastModified)
        {
            response.Headers.LastModified = file.LastModified.ToString("R", CultureInfo.InvariantCulture);
        }

        if (file.SendETag && request.Headers.IfNoneMatch.ToString() == file.ETag)
        {
            Respond(record, response, StatusCodes.Status304NotModified);
            return;
        }

        long start = 0;
        if (file.SupportsRanges)
        {
            response.Headers.AcceptRanges = "bytes";
            long? asked = ParseRange(request.Headers.Range.ToString());
            if (asked is long from && IfRangeMatches(request.Headers.IfRange.ToString(), file))
            {
                if (from >= content.Length)
                {
                    response.Headers.ContentRange = FormattableString.Invariant($"bytes */{content.Length}");
                    Respond(record, response, StatusCodes.Status416RangeNotSatisfiable);
                    return;
                }

                start = from;
                response.Headers.ContentRange = FormattableString.Invariant($"bytes {from}-{content.Length - 1}/{content.Length}");
            }
        }

        Respond(record, response, start > 0 ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK);
        response.ContentLength = content.Length - start;
        await SendBodyAsync(context, record, file, content.AsMemory((int)start));
    }

    private async Task SendBodyAsync(HttpContext context, RequestRecord record, ServedFile file, ReadOnlyMemory<byte> body)
    {
        long cutAt = file.TakeCut() ? file.CutAfterBytes : long.MaxValue;
        long stallAt = file.StallAfterBytes ?? long.MaxValue;
        long sent = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (sent < body.Length)
        {
            if (file.BytesPerSecond is { } rate && TimeSpan.FromSeconds(sent / (double)rate) - clock.Elapsed is { Ticks: > 0 } ahead)
            {
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await WaitAsync(ahead, context);
                if (context.RequestAborted.IsCancellationRequested || _stopping.IsCancellationRequested)
                {
                    return;
                }
            }

            long limit = Math.Min(Math.Min(cutAt, stallAt), body.Length);
            if (sent >= limit)
            {
                await context.Response.Body.FlushAsync(context.RequestAborted);
                if (sent >= cutAt)
                {
                    // Let the client read what was sent: an abort (RST) makes the kernel drop unread data.
                    await WaitAsync(CutGrace, context);
                    context.Abort();
                    return;
                }

                await WaitAsync(Timeout.InfiniteTimeSpan, context);
                return;
            }

            int count = (int)Math.Min(file.TrickleInterval is null ? ChunkSize : 1, limit - sent);
            if (file.TrickleInterval is { } pause && sent > 0)
            {
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await WaitAsync(pause, context);
                if (context.RequestAborted.IsCancellationRequested || _stopping.IsCancellationRequested)
                {
                    return;
                }
            }

            record.AddBytes(count); // Counted when handed to Kestrel, so the count is final when the client has the bytes.
            await context.Response.Body.WriteAsync(body.Slice((int)sent, count), context.RequestAborted);
            sent += count;
        }
    }

    private async Task WaitAsync(TimeSpan delay, HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, context.RequestAborted);
        try
        {
            await Task.Delay(delay, linked.Token);
        }
        catch (OperationCanceledException)
        {
            // The client gave up or the server stops: that is what the stall waits for.
        }
    }

    private static void Respond(RequestRecord record, HttpResponse response, int status)
    {
        record.Status = status;
        response.StatusCode = status;
    }

    private static long? ParseRange(string header)
    {
        const string Prefix = "bytes=";
        if (!header.StartsWith(Prefix, StringComparison.Ordinal) || !header.EndsWith('-'))
        {
            return null;
        }

        return long.TryParse(header.AsSpan(Prefix.Length, header.Length - Prefix.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long from)
            ? from
            : null;
    }

    private static bool IfRangeMatches(string ifRange, ServedFile file)
    {
        if (ifRange.Length == 0)
        {
            return true;
        }

        if (ifRange.StartsWith('"'))
        {
            return file.SendETag && ifRange == file.ETag;
        }

        return file.SendLastModified
            && DateTimeOffset.TryParseExact(ifRange, "R", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset date)
            && date == file.LastModified;
    }
}
