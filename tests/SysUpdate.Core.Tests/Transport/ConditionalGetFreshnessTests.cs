using SysUpdate.Core.Transport;
using static SysUpdate.Core.Tests.Transport.TransportTestSupport;

namespace SysUpdate.Core.Tests.Transport;

/// <summary>When the conditional-GET cache may answer, and that it never turns into an error.</summary>
public sealed class ConditionalGetFreshnessTests : IAsyncLifetime
{
    private readonly string _cacheDirectory = Directory.CreateTempSubdirectory("sysupdate-fresh-").FullName;
    private readonly HttpTransportFactory _factory = new(FastOptions);
    private TestHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await TestHttpServer.StartAsync();

    public async Task DisposeAsync()
    {
        _factory.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_cacheDirectory, recursive: true);
    }

    private TransportClient Client() => _factory.CreateClient(_cacheDirectory);

    [Fact]
    public async Task GetSmallFileAsync_LastModifiedNotYetOneSecondOld_NextFetchIsUnconditional()
    {
        ServedFile file = _server.Serve("/v/SHA256SUMS", "one\n"u8.ToArray());
        file.LastModified = DateTimeOffset.UtcNow.AddSeconds(5); // not older than the response's Date
        Uri url = _server.Url("/v/SHA256SUMS");
        await Client().GetSmallFileAsync(url, 1024);

        FetchedFile second = await Client().GetSmallFileAsync(url, 1024);

        Assert.False(second.FromCache);
        RequestRecord[] requests = [.. _server.Requests("/v/SHA256SUMS")];
        Assert.Equal([200, 200], requests.Select(r => r.Status));
        Assert.True(string.IsNullOrEmpty(requests[1].IfNoneMatch));
    }

    [Fact]
    public async Task GetSmallFileAsync_StrongETagWithoutLastModified_NextFetchIsConditional()
    {
        ServedFile file = _server.Serve("/v/SHA256SUMS", "one\n"u8.ToArray());
        file.SendLastModified = false;
        Uri url = _server.Url("/v/SHA256SUMS");
        await Client().GetSmallFileAsync(url, 1024);

        FetchedFile second = await Client().GetSmallFileAsync(url, 1024);

        Assert.True(second.FromCache);
        Assert.Equal([200, 304], _server.Requests("/v/SHA256SUMS").Select(r => r.Status));
    }

    [Fact]
    public async Task GetSmallFileAsync_RefreshPolicy_FetchesWholeFileDespiteCache()
    {
        _server.Serve("/v/SHA256SUMS", "one\n"u8.ToArray());
        Uri url = _server.Url("/v/SHA256SUMS");
        await Client().GetSmallFileAsync(url, 1024);

        FetchedFile second = await Client().GetSmallFileAsync(url, 1024, CachePolicy.Refresh);

        Assert.False(second.FromCache);
        RequestRecord[] requests = [.. _server.Requests("/v/SHA256SUMS")];
        Assert.Equal([200, 200], requests.Select(r => r.Status));
        Assert.True(string.IsNullOrEmpty(requests[1].IfNoneMatch));
    }

    [Fact]
    public async Task GetSmallFileAsync_CachedBodyDamaged_FullFetchAndCorrectBody()
    {
        _server.Serve("/v/SHA256SUMS", "one two three\n"u8.ToArray());
        Uri url = _server.Url("/v/SHA256SUMS");
        await Client().GetSmallFileAsync(url, 1024);
        string entry = Assert.Single(Directory.GetFiles(_cacheDirectory));
        byte[] data = File.ReadAllBytes(entry);
        data[^3] ^= 0x20; // same length, one flipped bit in the body
        File.WriteAllBytes(entry, data);

        FetchedFile second = await Client().GetSmallFileAsync(url, 1024);

        Assert.False(second.FromCache);
        Assert.Equal("one two three\n"u8.ToArray(), second.Content.ToArray());
        Assert.True(string.IsNullOrEmpty(_server.Requests("/v/SHA256SUMS")[1].IfNoneMatch));
    }

    [Theory]
    [InlineData("not a cache file")]
    [InlineData("")]
    public async Task GetSmallFileAsync_CacheEntryGarbage_FullFetchNoError(string garbage)
    {
        _server.Serve("/v/SHA256SUMS", "one\n"u8.ToArray());
        Uri url = _server.Url("/v/SHA256SUMS");
        await Client().GetSmallFileAsync(url, 1024);
        File.WriteAllText(Assert.Single(Directory.GetFiles(_cacheDirectory)), garbage);

        FetchedFile second = await Client().GetSmallFileAsync(url, 1024);

        Assert.Equal("one\n"u8.ToArray(), second.Content.ToArray());
        Assert.False(second.FromCache);
    }
}
