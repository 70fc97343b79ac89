using SysUpdate.Core.Transport;
using static SysUpdate.Core.Tests.Transport.TransportTestSupport;

namespace SysUpdate.Core.Tests.Transport;

/// <summary>The low-speed limit against a real Kestrel server on 127.0.0.1 that trickles its body.</summary>
public sealed class TransportClientLowSpeedTests : IAsyncLifetime
{
    // A read timeout far above the trickle's pause: only the low-speed limit can end these downloads.
    private static readonly TransportOptions TrickleOptions = FastOptions with
    {
        ReadTimeout = TimeSpan.FromSeconds(60),
        LowSpeedLimit = 1024,
        LowSpeedTime = TimeSpan.FromSeconds(2),
    };

    private TestHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await TestHttpServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task OpenDownloadAsync_OneBytePerSecondServer_ThrowsTooSlowNamingUrl()
    {
        byte[] content = RandomBytes(64 * 1024, 3);
        ServedFile file = _server.Serve("/slow.raw", content);
        file.TrickleInterval = TimeSpan.FromSeconds(1);
        Uri url = _server.Url("/slow.raw");
        using var factory = new HttpTransportFactory(TrickleOptions);

        await using DownloadStream stream = await factory.CreateClient().OpenDownloadAsync(url, 0, null);
        (byte[] data, TransportException? error) = await DrainAsync(stream);

        Assert.NotNull(error);
        Assert.Equal(TransportError.TooSlow, error.Error);
        Assert.True(error.IsTransient);
        Assert.StartsWith(url + ": slower than 1024 bytes/s for 2 s after ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.True(data.Length < content.Length);
        Assert.Equal(data, content[..data.Length]);
    }

    [Fact]
    public async Task Read_SyncOnOneBytePerSecondServer_ThrowsTooSlow()
    {
        ServedFile file = _server.Serve("/slow.raw", RandomBytes(64 * 1024, 4));
        file.TrickleInterval = TimeSpan.FromSeconds(1);
        using var factory = new HttpTransportFactory(TrickleOptions);

        await using DownloadStream stream = await factory.CreateClient().OpenDownloadAsync(_server.Url("/slow.raw"), 0, null);
        byte[] buffer = new byte[4096];
        var ex = Assert.Throws<TransportException>(() =>
        {
            while (stream.Read(buffer, 0, buffer.Length) > 0)
            {
            }
        });

        Assert.Equal(TransportError.TooSlow, ex.Error);
    }

    [Fact]
    public async Task OpenDownloadAsync_SlowButAboveLimit_Completes()
    {
        // One byte every 2 ms is ~500 bytes/s, far above a 16 bytes/s limit. Averaged over 5 s rather than 1 s: on a CI
        // machine busy with parallel tests the trickling server itself was seen to stall for a second (235 of 1024 bytes).
        byte[] content = RandomBytes(1024, 5);
        ServedFile file = _server.Serve("/steady.raw", content);
        file.TrickleInterval = TimeSpan.FromMilliseconds(2);
        using var factory = new HttpTransportFactory(TrickleOptions with { LowSpeedLimit = 16, LowSpeedTime = TimeSpan.FromSeconds(5) });

        await using DownloadStream stream = await factory.CreateClient().OpenDownloadAsync(_server.Url("/steady.raw"), 0, null);
        (byte[] data, TransportException? error) = await DrainAsync(stream);

        Assert.Null(error);
        Assert.Equal(content, data);
    }

    [Fact]
    public async Task OpenDownloadAsync_LowSpeedLimitZero_TrickleIsNotCutOff()
    {
        byte[] content = RandomBytes(64, 6);
        ServedFile file = _server.Serve("/trickle.raw", content);
        file.TrickleInterval = TimeSpan.FromMilliseconds(50);
        using var factory = new HttpTransportFactory(TrickleOptions with { LowSpeedLimit = 0, LowSpeedTime = TimeSpan.FromMilliseconds(100) });

        await using DownloadStream stream = await factory.CreateClient().OpenDownloadAsync(_server.Url("/trickle.raw"), 0, null);
        (byte[] data, TransportException? error) = await DrainAsync(stream);

        Assert.Null(error);
        Assert.Equal(content, data);
    }
}
