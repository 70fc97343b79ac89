using System.Security.Cryptography;
using SysUpdate.Core.Pipeline;
using SysUpdate.Core.Targets;

namespace SysUpdate.Core.Tests.Targets;

public sealed class VerifiedTarExtractionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sysupdate-vtar-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Partial => Path.Combine(_dir, ".sysupdate.partial.rootfs-v1");

    private async Task RunAsync(byte[] published, string? sha256)
    {
        await using var reader = await PayloadReader.OpenAsync(new MemoryStream(published), "rootfs-v1.tar", sha256, null, CancellationToken.None);
        await VerifiedTarExtraction.RunAsync(reader, Partial, "rootfs-v1.tar", new TarLimits(), CancellationToken.None);
    }

    private static byte[] Tarball() =>
        TarExtractorTests.Archive(TarExtractorTests.File("./usr/bin/tool", "x", UnixFileMode.SetUser | (UnixFileMode)0x1ED)).ToArray();

    [Fact]
    public async Task RunAsync_HashMismatch_PartialTreeRemoved()
    {
        await Assert.ThrowsAsync<HashMismatchException>(() => RunAsync(Tarball(), new string('0', 64)));

        Assert.False(Directory.Exists(Partial));
    }

    [Fact]
    public async Task RunAsync_RefusedArchive_PartialTreeRemoved()
    {
        var html = "<html>not found</html>"u8.ToArray();

        await Assert.ThrowsAsync<TarArchiveException>(() => RunAsync(html, null));

        Assert.False(Directory.Exists(Partial));
    }

    [Fact]
    public async Task RunAsync_HashMatches_TreeExposed()
    {
        byte[] tar = Tarball();

        await RunAsync(tar, Convert.ToHexStringLower(SHA256.HashData(tar)));

        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Partial));
        Assert.Equal(UnixFileMode.SetUser | (UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(Partial, "usr/bin/tool")));
    }
}
