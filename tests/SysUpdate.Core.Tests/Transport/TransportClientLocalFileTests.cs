using System.Globalization;
using SysUpdate.Core.Transport;
using static SysUpdate.Core.Tests.Transport.TransportTestSupport;

namespace SysUpdate.Core.Tests.Transport;

/// <summary><see cref="TransportClient"/> on file:// URLs (real files in a temp directory).</summary>
public sealed class TransportClientLocalFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sysupdate-transport-file-").FullName;
    private readonly HttpTransportFactory _factory = new(FastOptions);

    public void Dispose()
    {
        _factory.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private Uri Create(string name, byte[] content)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, content);
        return new Uri(path);
    }

    [Fact]
    public async Task GetSmallFileAsync_LocalFile_ReturnsContentAndMtime()
    {
        Uri url = Create("SHA256SUMS", "x\n"u8.ToArray());
        var mtime = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(url.LocalPath, mtime);

        FetchedFile fetched = await _factory.CreateClient().GetSmallFileAsync(url, 1024);

        Assert.Equal("x\n"u8.ToArray(), fetched.Content.ToArray());
        Assert.False(fetched.FromCache);
        Assert.Equal(new DateTimeOffset(mtime), fetched.LastModified);
    }

    [Fact]
    public async Task TryGetSmallFileAsync_MissingLocalFile_ReturnsNull()
    {
        var url = new Uri(Path.Combine(_directory, "SHA256SUMS.gpg"));

        Assert.Null(await _factory.CreateClient().TryGetSmallFileAsync(url, 1024));
    }

    [Fact]
    public async Task GetSmallFileAsync_MissingLocalFile_ThrowsEnoent()
    {
        var url = new Uri(Path.Combine(_directory, "nope", "SHA256SUMS"));

        var ex = await Assert.ThrowsAsync<TransportException>(() => _factory.CreateClient().GetSmallFileAsync(url, 1024));

        Assert.Equal(TransportError.LocalFile, ex.Error);
        Assert.Equal(Errno.ENOENT, ex.Errno);
        Assert.StartsWith(url + ": ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSmallFileAsync_LocalFileOverLimit_ThrowsTooLarge()
    {
        Uri url = Create("big", new byte[100]);

        var ex = await Assert.ThrowsAsync<TransportException>(() => _factory.CreateClient().GetSmallFileAsync(url, 99));

        Assert.Equal(TransportError.TooLarge, ex.Error);
    }

    [Fact]
    public async Task OpenDownloadAsync_LocalFileWithOffset_StartsThere()
    {
        byte[] content = RandomBytes(10_000, 11);
        Uri url = Create("image.raw", content);
        string validator = File.GetLastWriteTimeUtc(url.LocalPath).ToString("R", CultureInfo.InvariantCulture);

        await using DownloadStream stream = await _factory.CreateClient().OpenDownloadAsync(url, 3000, validator);
        (byte[] rest, TransportException? error) = await DrainAsync(stream);

        Assert.Null(error);
        Assert.Equal(3000, stream.Offset);
        Assert.Equal(10_000, stream.TotalLength);
        Assert.Equal(7000, stream.ContentLength);
        Assert.Equal(validator, stream.Validator);
        Assert.Equal(content[3000..], rest);
    }

    [Fact]
    public async Task OpenDownloadAsync_LocalFileChanged_StartsFromZero()
    {
        byte[] content = RandomBytes(1000, 12);
        Uri url = Create("image.raw", content);

        await using DownloadStream stream = await _factory.CreateClient().OpenDownloadAsync(url, 300, "Mon, 01 Jan 2001 00:00:00 GMT");
        (byte[] data, _) = await DrainAsync(stream);

        Assert.Equal(0, stream.Offset);
        Assert.Equal(content, data);
    }

    [Fact]
    public async Task OpenDownloadAsync_OffsetBeyondLocalFile_StartsFromZero()
    {
        Uri url = Create("image.raw", new byte[10]);

        await using DownloadStream stream = await _factory.CreateClient().OpenDownloadAsync(url, 11, null);

        Assert.Equal(0, stream.Offset);
        Assert.Equal(10, stream.ContentLength);
    }

    [Fact]
    public async Task OpenDownloadAsync_MissingLocalFile_Throws()
    {
        var url = new Uri(Path.Combine(_directory, "image.raw"));

        var ex = await Assert.ThrowsAsync<TransportException>(() => _factory.CreateClient().OpenDownloadAsync(url, 0, null));

        Assert.Equal(TransportError.LocalFile, ex.Error);
    }
}
