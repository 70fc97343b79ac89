using System.Buffers.Binary;
using SysUpdate.Core.Delta;

namespace SysUpdate.Core.Tests.Delta;

public sealed class ChunkIndexTests
{
    [CasyncTheory]
    [MemberData(nameof(CasyncSamples.Cases), MemberType = typeof(CasyncSamples))]
    public void Parse_CasyncMakeIndex_ChunksCoverTheImageWithTheirDigests(int size, string? chunkSize, string? digest)
    {
        using var casync = new CasyncTool();
        byte[] image = CasyncTool.RandomBytes(size, seed: size);
        (string indexPath, _) = casync.Make(casync.WriteFile("image.raw", image), chunkSize, digest);

        ChunkIndex index = ChunkIndex.Parse(File.ReadAllBytes(indexPath), indexPath);

        Assert.Equal(digest == "sha256" ? ChunkDigestKind.Sha256 : ChunkDigestKind.Sha512_256, index.Digest);
        Assert.Equal(size, index.TotalLength);
        Assert.Equal(size == 0, index.Chunks.Count == 0);
        long expectedOffset = 0;
        foreach (ChunkIndexEntry chunk in index.Chunks)
        {
            Assert.Equal(expectedOffset, chunk.Offset);
            Assert.InRange(chunk.Length, 1, index.MaxChunkSize);
            Assert.Equal(ChunkHasher.Compute(index.Digest, image.AsSpan((int)chunk.Offset, chunk.Length)), chunk.Id);
            expectedOffset = chunk.End;
        }
    }

    [CasyncTheory]
    [MemberData(nameof(CasyncSamples.Cases), MemberType = typeof(CasyncSamples))]
    public void Serialize_CasyncMakeIndex_GivesCasyncsBytesBack(int size, string? chunkSize, string? digest)
    {
        using var casync = new CasyncTool();
        (string indexPath, _) = casync.Make(casync.WriteFile("image.raw", CasyncTool.RandomBytes(size, seed: size + 1)), chunkSize, digest);
        byte[] original = File.ReadAllBytes(indexPath);

        Assert.Equal(original, ChunkIndex.Parse(original, indexPath).Serialize());
    }

    [CasyncFact]
    public void Parse_DefaultParameters_AreCasyncs16_64_256KiB()
    {
        using var casync = new CasyncTool();
        (string indexPath, _) = casync.Make(casync.WriteFile("image.raw", CasyncTool.RandomBytes(100_000, seed: 3)));

        ChunkIndex index = ChunkIndex.Parse(File.ReadAllBytes(indexPath), indexPath);

        Assert.Equal((16 * 1024, 64 * 1024, 256 * 1024), (index.MinChunkSize, index.AverageChunkSize, index.MaxChunkSize));
        Assert.NotEqual(0UL, index.FeatureFlags & CasyncLayout.FeatureSha512_256);
    }

    [Fact]
    public void Create_ThenSerialize_ParsesBackToTheSameChunks()
    {
        byte[] image = CasyncTool.RandomBytes(3000, seed: 9);
        ChunkIndexEntry[] chunks =
        [
            new(0, 1000, ChunkHasher.Compute(ChunkDigestKind.Sha256, image.AsSpan(0, 1000))),
            new(1000, 2000, ChunkHasher.Compute(ChunkDigestKind.Sha256, image.AsSpan(1000, 2000))),
        ];

        ChunkIndex created = ChunkIndex.Create(ChunkDigestKind.Sha256, 1000, 1500, 2000, chunks);
        ChunkIndex parsed = ChunkIndex.Parse(created.Serialize(), "created");

        Assert.Equal(ChunkDigestKind.Sha256, parsed.Digest);
        Assert.Equal(chunks, parsed.Chunks);
        Assert.Equal(3000, parsed.TotalLength);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(103)]
    [InlineData(4096)]
    [InlineData(65536)]
    public void Parse_RandomBytes_Throws(int length)
    {
        // systemd's TEST-72 ships random bytes named linux-vN.erofs.caibx as an ordinary payload.
        byte[] garbage = CasyncTool.RandomBytes(length, seed: length);

        AssertRefused(garbage);
    }

    public static TheoryData<string> Corruptions => new()
    {
        "truncated-by-one",
        "truncated-by-item",
        "trailing-byte",
        "trailing-item",
        "wrong-marker",
        "wrong-index-offset",
        "wrong-table-size",
        "nonzero-fill",
        "wrong-header-size",
        "wrong-header-type",
        "wrong-table-type",
        "table-size-not-max",
        "decreasing-offsets",
        "repeated-offset",
        "chunk-above-max",
        "chunk-below-min",
        "min-zero",
        "min-above-avg",
        "max-absurd",
        "end-beyond-image-cap",
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Parse_CorruptedIndex_ThrowsNamingOrigin(string corruption)
    {
        byte[] data = Corrupt(ValidIndex(), corruption);

        AssertRefused(data);
    }

    [Fact]
    public void Parse_ValidSyntheticIndex_Parses()
    {
        ChunkIndex index = ChunkIndex.Parse(ValidIndex(), "valid");

        Assert.Equal(4, index.Chunks.Count);
        Assert.Equal(4 * 1000 - 500, index.TotalLength);
    }

    private static void AssertRefused(byte[] data)
    {
        const string origin = "https://127.0.0.1/v2/usr_2.raw.caibx";
        var ex = Assert.Throws<ChunkIndexFormatException>(() => ChunkIndex.Parse(data, origin));
        Assert.Equal(origin, ex.Origin);
        Assert.StartsWith(origin, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(Errno.EBADMSG, ex.Errno);
    }

    // min 500 / avg 1000 / max 1500, chunks of 1000, 1000, 1000, 500 bytes.
    private static byte[] ValidIndex()
    {
        int[] lengths = [1000, 1000, 1000, 500];
        var chunks = new List<ChunkIndexEntry>();
        long offset = 0;
        foreach (int length in lengths)
        {
            chunks.Add(new ChunkIndexEntry(offset, length, ChunkHasher.Compute(ChunkDigestKind.Sha512_256, BitConverter.GetBytes(offset))));
            offset += length;
        }

        return ChunkIndex.Create(ChunkDigestKind.Sha512_256, 500, 1000, 1500, chunks).Serialize();
    }

    private static byte[] Corrupt(byte[] data, string corruption)
    {
        int tail = data.Length - CasyncLayout.TailSize;
        int Item(int i) => CasyncLayout.ItemsOffset + (i * CasyncLayout.ItemSize);
        void Set(byte[] d, int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(offset), value);
        ulong Get(int offset) => BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(offset));

        switch (corruption)
        {
            case "truncated-by-one":
                return data[..^1];
            case "truncated-by-item":
                return data[..^CasyncLayout.ItemSize];
            case "trailing-byte":
                return [.. data, 0];
            case "trailing-item":
                return [.. data, .. data.AsSpan(Item(0), CasyncLayout.ItemSize)];
            case "wrong-marker":
                data[^1] ^= 0x01;
                return data;
            case "wrong-index-offset":
                Set(data, tail + CasyncLayout.TailIndexOffsetOffset, 40);
                return data;
            case "wrong-table-size":
                Set(data, tail + CasyncLayout.TailTableSizeOffset, Get(tail + CasyncLayout.TailTableSizeOffset) + 40);
                return data;
            case "nonzero-fill":
                data[tail + CasyncLayout.TailZero2Offset] = 1;
                return data;
            case "wrong-header-size":
                Set(data, CasyncLayout.HeaderSizeOffset, 56);
                return data;
            case "wrong-header-type":
                Set(data, CasyncLayout.HeaderTypeOffset, 0x3bdd0b541f4b4d71); // CA_FORMAT_HELLO
                return data;
            case "wrong-table-type":
                Set(data, CasyncLayout.TableHeaderOffset + 8, CasyncLayout.FormatIndex);
                return data;
            case "table-size-not-max":
                Set(data, CasyncLayout.TableHeaderOffset, 16 + (4 * 40) + 40);
                return data;
            case "decreasing-offsets":
                Set(data, Item(1), 900);
                return data;
            case "repeated-offset":
                Set(data, Item(1), Get(Item(0)));
                return data;
            case "chunk-above-max":
                Set(data, Item(1), Get(Item(0)) + 1501);
                Set(data, Item(2), Get(Item(1)) + 1000);
                Set(data, Item(3), Get(Item(2)) + 500);
                return data;
            case "chunk-below-min":
                Set(data, Item(1), Get(Item(0)) + 499);
                return data;
            case "min-zero":
                Set(data, CasyncLayout.ChunkSizeMinOffset, 0);
                return data;
            case "min-above-avg":
                Set(data, CasyncLayout.ChunkSizeMinOffset, 1001);
                return data;
            case "max-absurd":
                Set(data, CasyncLayout.ChunkSizeMaxOffset, ulong.MaxValue);
                return data;
            case "end-beyond-image-cap":
                Set(data, CasyncLayout.ChunkSizeMaxOffset, 128 * 1024 * 1024);
                for (int i = 0; i < 4; i++)
                    Set(data, Item(i), (ulong)(CasyncLayout.MaxImageLength - (3 * 1000) + (i * 1000) + 1));
                return data;
            default:
                throw new ArgumentOutOfRangeException(nameof(corruption), corruption, null);
        }
    }
}
