using System.IO.Compression;
using SysUpdate.Core.Delta;

namespace SysUpdate.Core.Tests.Delta;

public sealed class ChunkDecoderTests
{
    [CasyncTheory]
    [InlineData(null, null)]
    [InlineData(null, "sha256")]
    [InlineData("xz", null)]
    [InlineData("gzip", "sha256")]
    public void DecodeAndVerify_EveryChunkOfCasyncsStore_GivesTheImageBytes(string? compression, string? digest)
    {
        using var casync = new CasyncTool();
        byte[] image = CasyncTool.RandomBytes(2 * 1024 * 1024, seed: 11);
        (string indexPath, string store) = casync.Make(casync.WriteFile("image.raw", image), digest: digest, compression: compression);
        ChunkIndex index = ChunkIndex.Parse(File.ReadAllBytes(indexPath), indexPath);

        Assert.NotEmpty(index.Chunks);
        foreach (ChunkIndexEntry chunk in index.Chunks)
        {
            string path = CasyncTool.ChunkPath(store, chunk.Id.ToHex());
            byte[] decoded = ChunkDecoder.DecodeAndVerify(File.ReadAllBytes(path), chunk, index.Digest, path);
            Assert.Equal(image.AsSpan((int)chunk.Offset, chunk.Length).ToArray(), decoded);
        }
    }

    [CasyncFact]
    public void DecodeAndVerify_ChunkWithAFlippedByte_ThrowsDigestMismatch()
    {
        using var casync = new CasyncTool();
        byte[] image = CasyncTool.RandomBytes(300_000, seed: 12);
        (string indexPath, _) = casync.Make(casync.WriteFile("image.raw", image));
        ChunkIndex index = ChunkIndex.Parse(File.ReadAllBytes(indexPath), indexPath);
        ChunkIndexEntry chunk = index.Chunks[0];
        byte[] tampered = image.AsSpan((int)chunk.Offset, chunk.Length).ToArray();
        tampered[tampered.Length / 2] ^= 0x20;

        var ex = Assert.Throws<ChunkDigestMismatchException>(() =>
            ChunkDecoder.DecodeAndVerify(Gzip(tampered), chunk, index.Digest, "store/chunk.cacnk"));

        Assert.Equal(chunk.Id, ex.Expected);
        Assert.Equal(ChunkHasher.Compute(index.Digest, tampered), ex.Actual);
        Assert.Contains("store/chunk.cacnk", ex.Message, StringComparison.Ordinal);
        Assert.Contains(chunk.Id.ToHex(), ex.Message, StringComparison.Ordinal);
        Assert.Contains(ex.Actual.ToHex(), ex.Message, StringComparison.Ordinal);
    }

    [CasyncFact]
    public void DecodeAndVerify_AnotherChunksFile_ThrowsDigestMismatchOrWrongLength()
    {
        using var casync = new CasyncTool();
        byte[] image = CasyncTool.RandomBytes(1024 * 1024, seed: 13);
        (string indexPath, string store) = casync.Make(casync.WriteFile("image.raw", image), chunkSize: "8192:8192:8192");
        ChunkIndex index = ChunkIndex.Parse(File.ReadAllBytes(indexPath), indexPath);
        string otherPath = CasyncTool.ChunkPath(store, index.Chunks[1].Id.ToHex());

        Assert.Throws<ChunkDigestMismatchException>(() =>
            ChunkDecoder.DecodeAndVerify(File.ReadAllBytes(otherPath), index.Chunks[0], index.Digest, otherPath));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 })]
    [InlineData(new byte[] { 0x42, 0x5A, 0x68, 0x39, 0x31, 0x41, 0x59 })] // bzip2: not a casync chunk compression
    public void DecodeAndVerify_NotZstdXzOrGzip_ThrowsFormatNamingOrigin(byte[] data)
    {
        var ex = Assert.Throws<ChunkFormatException>(() =>
            ChunkDecoder.DecodeAndVerify(data, new ChunkIndexEntry(0, 10, default), ChunkDigestKind.Sha256, "file:///store/ab/x.cacnk"));

        Assert.StartsWith("file:///store/ab/x.cacnk", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Errno.EBADMSG, ex.Errno);
    }

    [Fact]
    public void DecodeAndVerify_ShorterThanTheIndexSays_ThrowsFormat()
    {
        byte[] data = CasyncTool.RandomBytes(1000, seed: 14);
        var entry = new ChunkIndexEntry(0, 1001, ChunkHasher.Compute(ChunkDigestKind.Sha256, data));

        Assert.Throws<ChunkFormatException>(() => ChunkDecoder.DecodeAndVerify(Gzip(data), entry, ChunkDigestKind.Sha256, "short"));
    }

    [Fact]
    public void DecodeAndVerify_LongerThanTheIndexSays_ThrowsFormat()
    {
        byte[] data = CasyncTool.RandomBytes(1000, seed: 15);
        var entry = new ChunkIndexEntry(0, 999, ChunkHasher.Compute(ChunkDigestKind.Sha256, data.AsSpan(0, 999)));

        Assert.Throws<ChunkFormatException>(() => ChunkDecoder.DecodeAndVerify(Gzip(data), entry, ChunkDigestKind.Sha256, "long"));
    }

    [Fact]
    public void DecodeAndVerify_TruncatedChunk_ThrowsFormat()
    {
        byte[] data = CasyncTool.RandomBytes(5000, seed: 16);
        byte[] compressed = Gzip(data);
        var entry = new ChunkIndexEntry(0, data.Length, ChunkHasher.Compute(ChunkDigestKind.Sha256, data));

        Assert.Throws<ChunkFormatException>(() => ChunkDecoder.DecodeAndVerify(compressed[..^10], entry, ChunkDigestKind.Sha256, "truncated"));
    }

    [Fact]
    public void DecodeAndVerify_ZstdBomb_RefusedWithoutDecodingIt()
    {
        // 32 KiB of zstd that expands to 1 GiB of zeros, offered as a 64 KiB chunk.
        byte[] bomb = ZstdRleFrame(blocks: 8192, blockSize: 128 * 1024);
        var entry = new ChunkIndexEntry(0, 64 * 1024, ChunkHasher.Compute(ChunkDigestKind.Sha512_256, new byte[64 * 1024]));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<ChunkFormatException>(() => ChunkDecoder.DecodeAndVerify(bomb, entry, ChunkDigestKind.Sha512_256, "bomb.cacnk"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.StartsWith("bomb.cacnk", ex.Message, StringComparison.Ordinal);
        Assert.InRange(allocated, 0, 1024 * 1024);
    }

    [Fact]
    public void DecodeAndVerify_ZstdRleChunkOfTheRightSize_Decodes()
    {
        byte[] frame = ZstdRleFrame(blocks: 1, blockSize: 64 * 1024);
        var entry = new ChunkIndexEntry(0, 64 * 1024, ChunkHasher.Compute(ChunkDigestKind.Sha512_256, new byte[64 * 1024]));

        Assert.Equal(new byte[64 * 1024], ChunkDecoder.DecodeAndVerify(frame, entry, ChunkDigestKind.Sha512_256, "rle.cacnk"));
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(data);
        return output.ToArray();
    }

    // A zstd frame (RFC 8878) without content size: window 128 KiB, then RLE blocks of zero bytes.
    private static byte[] ZstdRleFrame(int blocks, int blockSize)
    {
        var frame = new List<byte> { 0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x38 };
        for (int i = 0; i < blocks; i++)
        {
            int header = (blockSize << 3) | (1 << 1) | (i == blocks - 1 ? 1 : 0);
            frame.AddRange([(byte)header, (byte)(header >> 8), (byte)(header >> 16), 0x00]);
        }

        return [.. frame];
    }
}
