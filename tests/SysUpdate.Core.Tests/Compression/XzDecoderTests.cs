using SysUpdate.Core.Compression;

namespace SysUpdate.Core.Tests.Compression;

public sealed class XzDecoderTests
{
    // Around the decoder's threading budget: two threads fit for 1 MiB blocks, one worker for 12 MiB,
    // and 40 MiB blocks take liblzma's single-threaded fallback.
    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    [InlineData(40)]
    public async Task OpenRead_MultiBlockAroundThreadingBudget_MatchesOriginal(int blockMiB)
    {
        byte[] original = CompressionTestData.Payload((2 * blockMiB << 20) + 17, seed: blockMiB);
        byte[] compressed = CompressionTestData.Compress(original, "xz", "-0", "-T2", $"--block-size={blockMiB}MiB", "-c");

        await using Stream stream = Decompressor.OpenRead(new MemoryStream(compressed), CompressionFormat.Xz, leaveOpen: false);
        var decoded = new MemoryStream(original.Length);
        await stream.CopyToAsync(decoded, 1 << 20);

        Assert.Equal(CompressionTestData.Sha256(original), CompressionTestData.Sha256(decoded.ToArray()));
    }

    [Fact]
    public async Task OpenRead_MultiBlockTruncatedInFallbackMode_ThrowsCompressedDataException()
    {
        byte[] original = CompressionTestData.Payload((80 << 20) + 17, seed: 40);
        byte[] compressed = CompressionTestData.Compress(original, "xz", "-0", "-T2", "--block-size=40MiB", "-c");

        await using Stream stream = Decompressor.OpenRead(
            new MemoryStream(compressed, 0, compressed.Length - 100), CompressionFormat.Xz, leaveOpen: false);

        await Assert.ThrowsAsync<CompressedDataException>(() => stream.CopyToAsync(Stream.Null, 1 << 20));
    }
}
