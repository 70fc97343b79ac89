using SysUpdate.Core.Transport;
using static SysUpdate.Core.Tests.Transport.TransportTestSupport;

namespace SysUpdate.Core.Tests.Transport;

/// <summary>Length checks of <see cref="DownloadStream"/> against servers that misbehave at the socket level.</summary>
public sealed class DownloadStreamTests : IDisposable
{
    private readonly HttpTransportFactory _factory = new(FastOptions with { RetryCount = 0 });

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task ReadAsync_BodyShorterThanContentLength_ThrowsTruncated()
    {
        await using var server = new RawHttpServer("HTTP/1.1 200 OK\nContent-Length: 1000\nConnection: close", new byte[500]);

        await using DownloadStream stream = await _factory.CreateClient().OpenDownloadAsync(server.Url, 0, null);
        (byte[] data, TransportException? error) = await DrainAsync(stream);

        Assert.Equal(500, data.Length);
        Assert.NotNull(error);
        Assert.Equal(TransportError.Truncated, error.Error);
        Assert.StartsWith(server.Url + ": connection closed after 500 of 1000 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSmallFileAsync_BodyShorterThanContentLength_ThrowsTruncated()
    {
        await using var server = new RawHttpServer("HTTP/1.1 200 OK\nContent-Length: 100\nConnection: close", new byte[40]);

        var ex = await Assert.ThrowsAsync<TransportException>(() => _factory.CreateClient().GetSmallFileAsync(server.Url, 1024));

        Assert.Equal(TransportError.Truncated, ex.Error);
        Assert.Contains("40 of 100 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_BodyLongerThanContentLength_DeliversOnlyAnnouncedBytes()
    {
        await using var server = new RawHttpServer("HTTP/1.1 200 OK\nContent-Length: 10\nConnection: close", new byte[30]);

        await using DownloadStream stream = await _factory.CreateClient().OpenDownloadAsync(server.Url, 0, null);
        (byte[] data, TransportException? error) = await DrainAsync(stream);

        Assert.Null(error);
        Assert.Equal(10, data.Length);
    }

    [Fact]
    public async Task OpenDownloadAsync_PartialContentFromWrongOffset_ThrowsProtocolError()
    {
        await using var server = new RawHttpServer(
            "HTTP/1.1 206 Partial Content\nContent-Range: bytes 0-9/10\nContent-Length: 10\nConnection: close", new byte[10]);

        var ex = await Assert.ThrowsAsync<TransportException>(() => _factory.CreateClient().OpenDownloadAsync(server.Url, 5, "\"x\""));

        Assert.Equal(TransportError.Protocol, ex.Error);
        Assert.Equal(206, ex.StatusCode);
    }

    [Fact]
    public async Task ReadAsync_ChunkedBodyWithoutLength_ReadsToEnd()
    {
        await using var server = new RawHttpServer(
            "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\nConnection: close", "5\r\nhello\r\n0\r\n\r\n"u8.ToArray());

        FetchedFile fetched = await _factory.CreateClient().GetSmallFileAsync(server.Url, 1024);

        Assert.Equal("hello"u8.ToArray(), fetched.Content.ToArray());
    }

    [Fact]
    public async Task GetSmallFileAsync_ChunkedBodyOverLimit_ThrowsTooLarge()
    {
        await using var server = new RawHttpServer(
            "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\nConnection: close", "5\r\nhello\r\n0\r\n\r\n"u8.ToArray());

        var ex = await Assert.ThrowsAsync<TransportException>(() => _factory.CreateClient().GetSmallFileAsync(server.Url, 4));

        Assert.Equal(TransportError.TooLarge, ex.Error);
    }
}
