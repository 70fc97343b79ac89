using SysUpdate.Core.Compression;
using SysUpdate.Core.Compression.Xz;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Core.Tests.Compression;

/// <summary>
/// Payload .xz streams decode block by block on workers: blocks that declare their sizes (<c>xz -T2</c>) side by side,
/// blocks that do not (<c>xz -T1</c>) or are too large to wait whole on the reading thread, in one stream or mixed
/// across concatenated ones; a fault in any block, the index or the footer is refused wherever it sits.
/// </summary>
public sealed class BlockParallelXzDecoderTests
{
    // 1 MiB blocks: several in flight; 12 MiB: two within the budget; 40 MiB: too large to wait whole (reading thread).
    [Theory]
    [InlineData(1, 2)]
    [InlineData(12, 2)]
    [InlineData(40, 2)]
    [InlineData(1, 1)]
    [InlineData(1, 4)]
    public async Task Decode_MultiBlockStream_MatchesOriginal(int blockMiB, int workers)
    {
        byte[] original = CompressionTestData.Payload((2 * blockMiB << 20) + 17, seed: blockMiB);
        byte[] compressed = CompressionTestData.Compress(original, "xz", "-0", "-T2", $"--block-size={blockMiB}MiB", "-c");

        Assert.Equal(CompressionTestData.Sha256(original), CompressionTestData.Sha256(await DecodeAsync(compressed, workers, 1 << 20)));
    }

    [Fact]
    public async Task Decode_StreamsWithAndWithoutBlockSizes_Concatenated_MatchesOriginal()
    {
        byte[] first = CompressionTestData.Payload((3 << 20) + 5, seed: 1);
        byte[] second = CompressionTestData.Payload((2 << 20) + 999, seed: 2);
        byte[] third = CompressionTestData.Payload(70_000, seed: 3);
        byte[] compressed =
        [
            .. CompressionTestData.Compress(first, "xz", "-0", "-T2", "--block-size=1MiB", "-c"),
            0, 0, 0, 0,
            .. CompressionTestData.Compress(second, "xz", "-0", "-T1", "--block-size=1MiB", "-c"),
            .. CompressionTestData.Compress(third, "xz", "-0", "-T2", "--block-size=16KiB", "-c"),
            0, 0, 0, 0, 0, 0, 0, 0,
        ];

        string expected = CompressionTestData.Sha256([.. first, .. second, .. third]);
        Assert.Equal(expected, CompressionTestData.Sha256(await DecodeAsync(compressed, workers: 2, readSize: 1 << 20)));
        Assert.Equal(expected, CompressionTestData.Sha256(await DecodeAsync(compressed, workers: 2, readSize: 4093)));
    }

    public static TheoryData<string, int> Faults() => new()
    {
        { "a block's data, far from the head", 5 },
        { "a block header", 0 },
        { "the index", -30 },
        { "the footer's backward size", -7 },
        { "the footer's flags", -3 },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Decode_CorruptByte_ThrowsCompressedDataException(string where, int position)
    {
        byte[] compressed = CompressionTestData.Compress(CompressionTestData.Payload(8 << 20, seed: 9), "xz", "-0", "-T2", "--block-size=1MiB", "-c");
        int offset = position switch
        {
            0 => 12 + 2, // the first block header's flags, right after the stream header
            > 0 => compressed.Length / 8 * position,
            _ => compressed.Length + position,
        };
        compressed[offset] ^= 0x55;

        var error = await Assert.ThrowsAsync<CompressedDataException>(() => DecodeAsync(compressed, workers: 2, readSize: 1 << 20));
        Assert.Equal(CompressionFormat.Xz, error.Format);
        Assert.False(string.IsNullOrEmpty(error.What), where);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.9999)]
    public async Task Decode_TruncatedAmongParallelBlocks_ThrowsCompressedDataException(double fraction)
    {
        byte[] compressed = CompressionTestData.Compress(CompressionTestData.Payload(8 << 20, seed: 10), "xz", "-0", "-T2", "--block-size=1MiB", "-c");
        byte[] cut = compressed[..(int)(compressed.Length * fraction)];

        await Assert.ThrowsAsync<CompressedDataException>(() => DecodeAsync(cut, workers: 2, readSize: 1 << 20));
    }

    [Fact]
    public async Task Decode_TruncatedInABlockTooLargeToWaitWhole_ThrowsCompressedDataException()
    {
        byte[] original = CompressionTestData.Payload((80 << 20) + 17, seed: 40);
        byte[] compressed = CompressionTestData.Compress(original, "xz", "-0", "-T2", "--block-size=40MiB", "-c");

        await Assert.ThrowsAsync<CompressedDataException>(() => DecodeAsync(compressed[..^100], workers: 2, readSize: 1 << 20));
    }

    // Hostile input: seeded mutations anywhere in multi-block and single-block streams (flipped bits, a byte replaced,
    // truncation, trailing garbage, a block header's declared sizes). Each must end in CompressedDataException or in exactly
    // the original bytes: never other bytes, another exception type or a hang.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Decode_SeededMutations_RefusedOrExact(int seed)
    {
        var random = new Random(seed);
        byte[] original = CompressionTestData.Payload((2 << 20) + 333, seed: 50 + seed);
        byte[][] streams =
        [
            CompressionTestData.Compress(original, "xz", "-0", "-T2", "--block-size=256KiB", "-c"),
            CompressionTestData.Compress(original, "xz", "-0", "-T1", "-c"),
        ];
        string expected = CompressionTestData.Sha256(original);
        for (int i = 0; i < 150; i++)
        {
            byte[] stream = streams[i % streams.Length];
            (byte[] mutated, string how) = Mutate(stream, random);
            string outcome;
            try
            {
                // The timeout only turns a hang into a failure that names the mutation.
                byte[] decoded = await DecodeAsync(mutated, workers: 2, readSize: i % 3 == 0 ? 4093 : 1 << 20).WaitAsync(TimeSpan.FromMinutes(1));
                outcome = CompressionTestData.Sha256(decoded) == expected ? "exact" : "other bytes";
            }
            catch (CompressedDataException)
            {
                outcome = "refused";
            }
            catch (TimeoutException)
            {
                outcome = "a hang";
            }
            Assert.True(outcome is "exact" or "refused", $"mutation {i} ({how}): {outcome}");
        }
    }

    // The general damage, and one in three aimed where xz keeps its structure: a block header's flags and declared
    // sizes, the index and the footer.
    private static (byte[] Mutated, string How) Mutate(byte[] stream, Random random)
    {
        if (random.Next(3) != 0)
            return ByteMutation.Apply(stream, random);
        byte[] copy = (byte[])stream.Clone();
        if (random.Next(2) == 0)
        {
            int at = 12 + random.Next(1, Math.Min(16, copy[12] * 4)); // the first block header, after the 12-byte stream header
            copy[at] = (byte)random.Next(256);
            return (copy, $"first block header byte {at} replaced");
        }
        int end = copy.Length - 1 - random.Next(Math.Min(128, copy.Length));
        copy[end] ^= (byte)(1 << random.Next(8));
        return (copy, $"index or footer bit flipped at {end}");
    }

    [Fact]
    public async Task Dispose_WhileWorkersDecode_ReturnsWithoutWaitingForTheStream()
    {
        byte[] compressed = CompressionTestData.Compress(CompressionTestData.Payload(24 << 20, seed: 11), "xz", "-0", "-T2", "--block-size=4MiB", "-c");
        var stream = new DecodingStream(new MemoryStream(compressed), new BlockParallelXzDecoder(workers: 2), leaveOpen: false);
        byte[] buffer = new byte[4096];

        Assert.Equal(buffer.Length, await stream.ReadAsync(buffer));
        await stream.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => stream.Read(buffer));
    }

    private static async Task<byte[]> DecodeAsync(byte[] compressed, int workers, int readSize)
    {
        await using var stream = new DecodingStream(new MemoryStream(compressed), new BlockParallelXzDecoder(workers), leaveOpen: false);
        var decoded = new MemoryStream();
        byte[] buffer = new byte[readSize];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
            decoded.Write(buffer, 0, n);
        return decoded.ToArray();
    }
}
