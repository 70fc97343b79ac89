using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SysUpdate.Core.Transport;
using static SysUpdate.Core.Tests.Transport.TransportTestSupport;

namespace SysUpdate.Core.Tests.Transport;

public sealed class TransportClientTests : IAsyncLifetime
{
    private readonly string _cacheDirectory = Directory.CreateTempSubdirectory("sysupdate-transport-").FullName;
    private readonly HttpTransportFactory _factory = new(FastOptions);
    private TestHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await TestHttpServer.StartAsync();

    public async Task DisposeAsync()
    {
        _factory.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_cacheDirectory, recursive: true);
    }

    private TransportClient Client(bool cache = true) => _factory.CreateClient(cache ? _cacheDirectory : null);

    [Fact]
    public async Task GetSmallFileAsync_Exists_ReturnsBodyValidatorsAndSendsUserAgent()
    {
        ServedFile file = _server.Serve("/v/SHA256SUMS", "abc\n"u8.ToArray());

        FetchedFile fetched = await Client().GetSmallFileAsync(_server.Url("/v/SHA256SUMS"), 1024);

        Assert.Equal("abc\n"u8.ToArray(), fetched.Content.ToArray());
        Assert.False(fetched.FromCache);
        Assert.Equal(file.ETag, fetched.ETag);
        Assert.Equal(file.LastModified, fetched.LastModified);
        RequestRecord request = Assert.Single(_server.Requests("/v/SHA256SUMS"));
        Assert.StartsWith("sysupdate/", request.UserAgent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSmallFileAsync_NotFound_ThrowsNamingUrlAndStatusWithoutRetry()
    {
        Uri url = _server.Url("/v/SHA256SUMS");

        var ex = await Assert.ThrowsAsync<TransportException>(() => Client().GetSmallFileAsync(url, 1024));

        Assert.Equal(TransportError.HttpStatus, ex.Error);
        Assert.Equal(404, ex.StatusCode);
        Assert.Equal(url, ex.Url);
        Assert.StartsWith(url + ": HTTP 404 Not Found", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(1, _server.RequestCount("/v/SHA256SUMS"));
    }

    [Fact]
    public async Task TryGetSmallFileAsync_NotFound_ReturnsNull()
    {
        FetchedFile? fetched = await Client().TryGetSmallFileAsync(_server.Url("/v/SHA256SUMS.gpg"), 1024);

        Assert.Null(fetched);
    }

    [Fact]
    public async Task GetSmallFileAsync_Forbidden_IsNotRetried()
    {
        ServedFile file = _server.Serve("/f", [1, 2, 3]);
        file.FailStatus = 403;
        file.FailTimes = int.MaxValue;

        var ex = await Assert.ThrowsAsync<TransportException>(() => Client().GetSmallFileAsync(_server.Url("/f"), 1024));

        Assert.Equal(403, ex.StatusCode);
        Assert.Equal(1, _server.RequestCount("/f"));
    }

    [Fact]
    public async Task GetSmallFileAsync_ServerErrorTwiceThenOk_SucceedsOnThirdRequest()
    {
        ServedFile file = _server.Serve("/f", [1, 2, 3]);
        file.FailStatus = 500;
        file.FailTimes = 2;

        FetchedFile fetched = await Client().GetSmallFileAsync(_server.Url("/f"), 1024);

        Assert.Equal(new byte[] { 1, 2, 3 }, fetched.Content.ToArray());
        Assert.Equal([500, 500, 200], _server.Requests("/f").Select(r => r.Status));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(503)]
    public async Task GetSmallFileAsync_TransientStatusOnce_IsRetried(int status)
    {
        ServedFile file = _server.Serve("/f", [1, 2, 3]);
        file.FailStatus = status;
        file.FailTimes = 1;

        FetchedFile fetched = await Client().GetSmallFileAsync(_server.Url("/f"), 1024);

        Assert.Equal(3, fetched.Content.Length);
        Assert.Equal(2, _server.RequestCount("/f"));
    }

    [Fact]
    public async Task GetSmallFileAsync_ServerErrorForever_ThrowsAfterAllRetries()
    {
        ServedFile file = _server.Serve("/f", [1, 2, 3]);
        file.FailStatus = 500;
        file.FailTimes = int.MaxValue;
        Uri url = _server.Url("/f");

        var ex = await Assert.ThrowsAsync<TransportException>(() => Client().GetSmallFileAsync(url, 1024));

        Assert.Equal(TransportError.HttpStatus, ex.Error);
        Assert.Equal(500, ex.StatusCode);
        Assert.StartsWith(url + ": HTTP 500", ex.Message, StringComparison.Ordinal);
        Assert.Equal(FastOptions.RetryCount + 1, _server.RequestCount("/f"));
    }

    [Fact]
    public async Task GetSmallFileAsync_RedirectLoop_ThrowsRedirectError()
    {
        _server.Redirect("/a", "/b");
        _server.Redirect("/b", "/a");
        Uri url = _server.Url("/a");

        var ex = await Assert.ThrowsAsync<TransportException>(() => Client().GetSmallFileAsync(url, 1024));

        Assert.Equal(TransportError.Redirect, ex.Error);
        Assert.Equal(url, ex.Url);
        Assert.StartsWith(url + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(FastOptions.MaxRedirects + 1, _server.RequestCount("/a") + _server.RequestCount("/b"));
    }

    [Fact]
    public async Task GetSmallFileAsync_Redirected_FollowsToTarget()
    {
        _server.Serve("/new/SHA256SUMS", [7]);
        _server.Redirect("/old/SHA256SUMS", "/new/SHA256SUMS");

        FetchedFile fetched = await Client().GetSmallFileAsync(_server.Url("/old/SHA256SUMS"), 1024);

        Assert.Equal(new byte[] { 7 }, fetched.Content.ToArray());
    }

    [Fact]
    public async Task GetSmallFileAsync_ServerStallsMidBody_ThrowsTimeout()
    {
        ServedFile file = _server.Serve("/f", RandomBytes(64 * 1024, 1));
        file.StallAfterBytes = 32 * 1024;
        Uri url = _server.Url("/f");
        using var factory = new HttpTransportFactory(StallOptions);
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<TransportException>(() => factory.CreateClient().GetSmallFileAsync(url, 1 << 20).WaitAsync(HungTest));

        Assert.Equal(TransportError.Timeout, ex.Error);
        Assert.StartsWith(url + ": no data for 0.4 s", ex.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed >= StallOptions.ReadTimeout, $"gave up after {clock.Elapsed}, before the read timeout");
    }

    [Fact]
    public async Task GetSmallFileAsync_NoResponseHeaders_ThrowsTimeoutAfterRetries()
    {
        ServedFile file = _server.Serve("/f", [1]);
        file.HeaderDelay = NoHeadersWithinTheTest;
        using var factory = new HttpTransportFactory(FastOptions with { RetryCount = 1, ReadTimeout = TimeSpan.FromMilliseconds(200) });

        var ex = await Assert.ThrowsAsync<TransportException>(() => factory.CreateClient().GetSmallFileAsync(_server.Url("/f"), 1024));

        Assert.Equal(TransportError.Timeout, ex.Error);
        Assert.Contains("no response within 0.2 s", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(gave up after 2 attempts)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, await _server.RequestCountOnceAsync("/f", 2, HungTest));
    }

    [Fact]
    public async Task GetSmallFileAsync_LargerThanLimit_ThrowsTooLarge()
    {
        _server.Serve("/f", new byte[2000]);

        var ex = await Assert.ThrowsAsync<TransportException>(() => Client().GetSmallFileAsync(_server.Url("/f"), 1999));

        Assert.Equal(TransportError.TooLarge, ex.Error);
    }

    [Fact]
    public async Task GetSmallFileAsync_Unchanged_SecondFetchIsConditionalAndUsesCache()
    {
        ServedFile file = _server.Serve("/v/SHA256SUMS", "line\n"u8.ToArray());
        Uri url = _server.Url("/v/SHA256SUMS");
        await Client().GetSmallFileAsync(url, 1024);

        FetchedFile second = await Client().GetSmallFileAsync(url, 1024);

        Assert.True(second.FromCache);
        Assert.Equal("line\n"u8.ToArray(), second.Content.ToArray());
        RequestRecord[] requests = [.. _server.Requests("/v/SHA256SUMS")];
        Assert.Equal([200, 304], requests.Select(r => r.Status));
        Assert.Equal(file.ETag, requests[1].IfNoneMatch);
        Assert.Equal(0, requests[1].BytesSent);
    }

    [Fact]
    public async Task GetSmallFileAsync_ChangedSinceCached_ReturnsNewBody()
    {
        ServedFile file = _server.Serve("/f", [1]);
        Uri url = _server.Url("/f");
        await Client().GetSmallFileAsync(url, 1024);
        file.Content = [2];

        FetchedFile second = await Client().GetSmallFileAsync(url, 1024);

        Assert.False(second.FromCache);
        Assert.Equal(new byte[] { 2 }, second.Content.ToArray());
        Assert.Equal([200, 200], _server.Requests("/f").Select(r => r.Status));
    }

    [Fact]
    public async Task GetSmallFileAsync_WithoutCache_SendsNoConditions()
    {
        _server.Serve("/f", [1]);
        Uri url = _server.Url("/f");
        await Client(cache: false).GetSmallFileAsync(url, 1024);

        FetchedFile second = await Client(cache: false).GetSmallFileAsync(url, 1024);

        Assert.False(second.FromCache);
        Assert.All(_server.Requests("/f"), r => Assert.Null(r.IfNoneMatch));
    }

    [Fact]
    public async Task OpenDownloadAsync_CutAtHalfThenResumed_TransfersOnlyTheRest()
    {
        byte[] image = RandomBytes(512 * 1024, 2);
        ServedFile file = _server.Serve("/v/image.raw.xz", image);
        file.CutAfterBytes = image.Length / 2;
        file.CutTimes = 1;
        Uri url = _server.Url("/v/image.raw.xz");
        TransportClient client = Client();

        byte[] first;
        string? validator;
        await using (DownloadStream stream = await client.OpenDownloadAsync(url, 0, null))
        {
            Assert.Equal(0, stream.Offset);
            Assert.Equal(image.Length, stream.TotalLength);
            validator = stream.Validator;
            (first, TransportException? error) = await DrainAsync(stream);
            Assert.NotNull(error);
            Assert.Equal(TransportError.Truncated, error.Error);
            Assert.StartsWith(url + ": connection closed after ", error.Message, StringComparison.Ordinal);
            Assert.Contains(FormattableString.Invariant($"of {image.Length} bytes"), error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(file.ETag, validator);
        Assert.Equal(image.Length / 2, first.Length);
        Assert.Equal(image[..first.Length], first);

        await using (DownloadStream stream = await client.OpenDownloadAsync(url, first.Length, validator))
        {
            Assert.True(stream.Resumed);
            Assert.Equal(first.Length, stream.Offset);
            Assert.Equal(image.Length, stream.TotalLength);
            Assert.Equal(image.Length - first.Length, stream.ContentLength);
            (byte[] rest, TransportException? error) = await DrainAsync(stream);
            Assert.Null(error);
            Assert.Equal(image, first.Concat(rest).ToArray());
        }

        RequestRecord[] requests = [.. _server.Requests("/v/image.raw.xz")];
        Assert.Equal([200, 206], requests.Select(r => r.Status));
        Assert.Equal(FormattableString.Invariant($"bytes={first.Length}-"), requests[1].Range);
        Assert.Equal(file.ETag, requests[1].IfRange);
        Assert.Equal(image.Length - first.Length, requests[1].BytesSent);
        Assert.True(requests[1].BytesSent < image.Length * 3 / 4, "the second request re-sent most of the image");
    }

    [Fact]
    public async Task OpenDownloadAsync_FileChangedSincePartial_RestartsFromZero()
    {
        ServedFile file = _server.Serve("/f", RandomBytes(64 * 1024, 3));
        string oldETag = file.ETag;
        byte[] replaced = RandomBytes(64 * 1024, 4);
        file.Content = replaced;

        await using DownloadStream stream = await Client().OpenDownloadAsync(_server.Url("/f"), 1000, oldETag);
        (byte[] data, TransportException? error) = await DrainAsync(stream);

        Assert.Null(error);
        Assert.False(stream.Resumed);
        Assert.Equal(0, stream.Offset);
        Assert.Equal(file.ETag, stream.Validator);
        Assert.Equal(replaced, data);
        Assert.Equal(oldETag, Assert.Single(_server.Requests("/f")).IfRange);
    }

    [Fact]
    public async Task OpenDownloadAsync_LastModifiedValidator_Resumes()
    {
        byte[] content = RandomBytes(10_000, 5);
        ServedFile file = _server.Serve("/f", content);
        file.SendETag = false;
        Uri url = _server.Url("/f");
        string? validator;
        await using (DownloadStream first = await Client().OpenDownloadAsync(url, 0, null))
        {
            validator = first.Validator;
        }

        await using DownloadStream stream = await Client().OpenDownloadAsync(url, 4000, validator);
        (byte[] rest, _) = await DrainAsync(stream);

        Assert.Equal("Thu, 02 Jan 2025 03:04:05 GMT", validator);
        Assert.Equal(4000, stream.Offset);
        Assert.Equal(content[4000..], rest);
    }

    [Fact]
    public async Task OpenDownloadAsync_ServerWithoutRanges_RestartsFromZero()
    {
        byte[] content = RandomBytes(10_000, 6);
        ServedFile file = _server.Serve("/f", content);
        file.SupportsRanges = false;

        await using DownloadStream stream = await Client().OpenDownloadAsync(_server.Url("/f"), 4000, file.ETag);
        (byte[] data, _) = await DrainAsync(stream);

        Assert.Equal(0, stream.Offset);
        Assert.Equal(content, data);
    }

    [Fact]
    public async Task OpenDownloadAsync_ResumeAtEnd_ReturnsEmptyBody()
    {
        ServedFile file = _server.Serve("/f", new byte[100]);

        await using DownloadStream stream = await Client().OpenDownloadAsync(_server.Url("/f"), 100, file.ETag);
        (byte[] data, TransportException? error) = await DrainAsync(stream);

        Assert.Null(error);
        Assert.Empty(data);
        Assert.Equal(100, stream.Offset);
        Assert.Equal(100, stream.TotalLength);
        Assert.Equal(416, Assert.Single(_server.Requests("/f")).Status);
    }

    [Fact]
    public async Task OpenDownloadAsync_ServerStalls_ThrowsTimeoutNamingUrl()
    {
        ServedFile file = _server.Serve("/f", RandomBytes(256 * 1024, 7));
        file.StallAfterBytes = 128 * 1024;
        Uri url = _server.Url("/f");
        using var factory = new HttpTransportFactory(StallOptions);

        await using DownloadStream stream = await factory.CreateClient().OpenDownloadAsync(url, 0, null);
        (byte[] data, TransportException? error) = await DrainAsync(stream);

        Assert.NotNull(error);
        Assert.Equal(TransportError.Timeout, error.Error);
        Assert.StartsWith(url + ": no data for 0.4 s after ", error.Message, StringComparison.Ordinal);
        Assert.Equal(data.Length, stream.BytesRead);
    }

    [Fact]
    public async Task OpenDownloadAsync_NotFound_ThrowsHttpStatus()
    {
        var ex = await Assert.ThrowsAsync<TransportException>(() => Client().OpenDownloadAsync(_server.Url("/missing.raw"), 0, null));

        Assert.Equal(404, ex.StatusCode);
    }

    [Fact]
    public async Task OpenDownloadAsync_ConnectionRefused_ThrowsNetworkErrorAfterRetries()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var url = new Uri(FormattableString.Invariant($"http://127.0.0.1:{port}/image.raw"));

        var ex = await Assert.ThrowsAsync<TransportException>(() => Client().OpenDownloadAsync(url, 0, null));

        Assert.Equal(TransportError.Network, ex.Error);
        Assert.StartsWith(url + ": ", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith(FormattableString.Invariant($"(gave up after {FastOptions.RetryCount + 1} attempts)"), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSmallFileAsync_UnsupportedScheme_Throws()
    {
        var ex = await Assert.ThrowsAsync<TransportException>(() => Client().GetSmallFileAsync(new Uri("ftp://example.org/SHA256SUMS"), 1024));

        Assert.Equal(TransportError.UnsupportedScheme, ex.Error);
    }

    [Fact]
    public async Task Read_SyncOnStalledServer_ThrowsTimeout()
    {
        ServedFile file = _server.Serve("/f", RandomBytes(64 * 1024, 8));
        file.StallAfterBytes = 16 * 1024;
        using var factory = new HttpTransportFactory(StallOptions);
        // Started before the open: the stall may begin while the response is being opened.
        var clock = Stopwatch.StartNew();
        await using DownloadStream stream = await factory.CreateClient().OpenDownloadAsync(_server.Url("/f"), 0, null);
        byte[] buffer = new byte[4096];

        var ex = await Task.Run(() => Assert.Throws<TransportException>(() =>
        {
            while (stream.Read(buffer, 0, buffer.Length) > 0)
            {
            }
        })).WaitAsync(HungTest);

        Assert.Equal(TransportError.Timeout, ex.Error);
        Assert.Equal(16 * 1024, stream.BytesRead);
        Assert.True(clock.Elapsed >= StallOptions.ReadTimeout, $"gave up after {clock.Elapsed}, before the read timeout");
    }

    [Fact]
    public async Task ReadAsync_CancelledByCaller_ThrowsOperationCanceledNotTransportError()
    {
        ServedFile file = _server.Serve("/f", RandomBytes(64 * 1024, 9));
        file.StallAfterBytes = 16 * 1024;
        await using DownloadStream stream = await Client().OpenDownloadAsync(_server.Url("/f"), 0, null);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        byte[] buffer = new byte[4096];

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            while (await stream.ReadAsync(buffer, cancel.Token) > 0)
            {
            }
        });
    }

    [Fact]
    public async Task GetSmallFileAsync_CancelledWhileWaitingForHeaders_ThrowsOperationCanceled()
    {
        ServedFile file = _server.Serve("/f", [1]);
        file.HeaderDelay = NoHeadersWithinTheTest;
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client().GetSmallFileAsync(_server.Url("/f"), 1024, cancel.Token));

        Assert.Equal(1, await _server.RequestCountOnceAsync("/f", 1, HungTest));
    }

    [Fact]
    public async Task OpenDownloadAsync_WeakETagValidator_StartsOverWithoutRange()
    {
        byte[] content = RandomBytes(1000, 10);
        _server.Serve("/f", content);

        await using DownloadStream stream = await Client().OpenDownloadAsync(_server.Url("/f"), 500, "W/\"weak\"");
        (byte[] data, _) = await DrainAsync(stream);

        Assert.Equal(0, stream.Offset);
        Assert.Equal(content, data);
        Assert.Null(Assert.Single(_server.Requests("/f")).Range);
    }

    [Fact]
    public void TransportException_UrlWithPassword_IsNotShown()
    {
        var ex = new TransportException(new Uri("https://user:secret@example.org/v/SHA256SUMS"), TransportError.HttpStatus, "HTTP 404 Not Found");

        Assert.Equal("https://example.org/v/SHA256SUMS: HTTP 404 Not Found", ex.Message);
    }
}
