using SysUpdate.Core.Compression;

namespace SysUpdate.Core.Tests.Compression;

/// <summary>Reads at least as large as the stream's own output buffer are decoded straight into the caller's buffer.</summary>
public sealed class DecodingStreamTests
{
    public static TheoryData<string> Tools() => ["gzip", "xz", "zstd", "bzip2"];

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task Read_SmallLargeAndMixedBuffers_GiveIdenticalBytes(string tool)
    {
        byte[] original = CompressionTestData.Payload((5 * 1024 * 1024) + 333, seed: 21);
        byte[] compressed = CompressionTestData.Compress(original, tool, "-c");
        string expected = CompressionTestData.Sha256(original);

        Assert.Equal(expected, CompressionTestData.Sha256(DecodeSync(compressed, [4096])));
        Assert.Equal(expected, CompressionTestData.Sha256(DecodeSync(compressed, [1 << 20])));
        Assert.Equal(expected, CompressionTestData.Sha256(await DecodeAsync(compressed, [1 << 20])));
        // A small read leaves decoded bytes buffered; the large read after it must return those first.
        Assert.Equal(expected, CompressionTestData.Sha256(DecodeSync(compressed, [1000, 1 << 20, 128 * 1024, 77])));
        Assert.Equal(expected, CompressionTestData.Sha256(await DecodeAsync(compressed, [1000, 1 << 20, 128 * 1024, 77])));
    }

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task Read_LargeBufferTruncatedCorruptOrTrailingGarbage_ThrowsCompressedDataException(string tool)
    {
        byte[] compressed = CompressionTestData.Compress(CompressionTestData.Payload(600_000, seed: 22), tool, "-c");
        byte[] corrupt = (byte[])compressed.Clone();
        corrupt[compressed.Length / 2] ^= 0x55;
        byte[][] broken =
        [
            compressed[..^1],
            compressed[..(compressed.Length / 2)],
            corrupt,
            [.. compressed, .. "garbage"u8],
        ];

        foreach (byte[] input in broken)
        {
            Assert.Throws<CompressedDataException>(() => DecodeSync(input, [1 << 20]));
            await Assert.ThrowsAsync<CompressedDataException>(() => DecodeAsync(input, [1 << 20]));
        }
    }

    private static byte[] DecodeSync(byte[] compressed, int[] readSizes)
    {
        using Stream stream = Decompressor.OpenRead(new MemoryStream(compressed), CompressionSniffer.Detect(compressed), leaveOpen: false);
        var output = new MemoryStream();
        byte[] buffer = new byte[readSizes.Max()];
        for (int i = 0; ; i++)
        {
            int n = stream.Read(buffer, 0, readSizes[i % readSizes.Length]);
            if (n == 0)
                break;
            output.Write(buffer, 0, n);
        }
        return output.ToArray();
    }

    private static async Task<byte[]> DecodeAsync(byte[] compressed, int[] readSizes)
    {
        await using Stream stream = Decompressor.OpenRead(new MemoryStream(compressed), CompressionSniffer.Detect(compressed), leaveOpen: false);
        var output = new MemoryStream();
        byte[] buffer = new byte[readSizes.Max()];
        for (int i = 0; ; i++)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(0, readSizes[i % readSizes.Length]));
            if (n == 0)
                break;
            output.Write(buffer, 0, n);
        }
        return output.ToArray();
    }
}
