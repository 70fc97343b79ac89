using SysUpdate.Core.Delta;

namespace SysUpdate.Core.Tests.Delta;

public sealed class CasyncChunkerTests
{
    [CasyncTheory]
    [MemberData(nameof(CasyncSamples.Cases), MemberType = typeof(CasyncSamples))]
    public void FindBoundary_WholeImage_CutsWhereCasyncMakeCut(int size, string? chunkSize, string? digest)
    {
        using var casync = new CasyncTool();
        byte[] image = CasyncTool.RandomBytes(size, seed: size + 2);
        (string indexPath, _) = casync.Make(casync.WriteFile("image.raw", image), chunkSize, digest);
        ChunkIndex index = ChunkIndex.Parse(File.ReadAllBytes(indexPath), indexPath);

        foreach (int piece in new[] { int.MaxValue, 1, 47, 48, 4096 + 13, 65536 })
        {
            Assert.Equal(index.Chunks.Select(c => (c.Offset, c.Length)), Boundaries(index.CreateChunker(), image, piece));
        }
    }

    [CasyncFact]
    public void FindBoundary_LowEntropyImage_CutsWhereCasyncMakeCut()
    {
        // Repetitive text and zero runs: hash values repeat, many chunks end at the maximum size.
        using var casync = new CasyncTool();
        byte[] image = new byte[3 * 1024 * 1024];
        byte[] text = "The quick brown fox jumps over the lazy dog. 0123456789\n"u8.ToArray();
        for (int i = 0; i < 1024 * 1024; i++)
            image[i] = text[i % text.Length];
        CasyncTool.RandomBytes(1024 * 1024, seed: 5).CopyTo(image, 2 * 1024 * 1024);
        (string indexPath, _) = casync.Make(casync.WriteFile("image.raw", image));
        ChunkIndex index = ChunkIndex.Parse(File.ReadAllBytes(indexPath), indexPath);

        Assert.Equal(index.Chunks.Select(c => (c.Offset, c.Length)), Boundaries(index.CreateChunker(), image, 100_000));
    }

    [Theory]
    [InlineData(16 * 1024, 64 * 1024, 256 * 1024)]
    [InlineData(1, 1, 1)]
    [InlineData(32, 64, 256)]
    [InlineData(1000, 3000, 100_000)]
    [InlineData(16 * 1024 * 1024, 64 * 1024 * 1024, 128 * 1024 * 1024)]
    public void Discriminator_IsCasyncsFormulaClampedToMinMax(int min, int avg, int max)
    {
        double quotient = avg / ((-1.42888852e-7 * avg) + 1.33237515);
        long expected = quotient < 0 ? max : Math.Clamp((long)quotient, min, max);

        Assert.Equal(expected, CasyncChunker.Discriminator(min, avg, max));
    }

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(2, 1, 4)]
    [InlineData(1, 4, 2)]
    [InlineData(1, 2, (128 * 1024 * 1024) + 1)]
    public void Constructor_InvalidSizes_Throws(int min, int avg, int max)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CasyncChunker(min, avg, max));
    }

    internal static List<(long Offset, int Length)> Boundaries(CasyncChunker chunker, byte[] image, int piece)
    {
        var cuts = new List<(long, int)>();
        long chunkStart = 0;
        int position = 0;
        while (position < image.Length)
        {
            int length = Math.Min(piece, image.Length - position);
            int consumed = chunker.FindBoundary(image.AsSpan(position, length));
            if (consumed < 0)
            {
                position += length;
                continue;
            }

            position += consumed;
            cuts.Add((chunkStart, (int)(position - chunkStart)));
            chunkStart = position;
        }

        if (chunkStart < image.Length)
            cuts.Add((chunkStart, (int)(image.Length - chunkStart)));
        return cuts;
    }
}
