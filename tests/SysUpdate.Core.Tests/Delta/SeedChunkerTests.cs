using SysUpdate.Core.Delta;

namespace SysUpdate.Core.Tests.Delta;

public sealed class SeedChunkerTests
{
    [CasyncTheory]
    [MemberData(nameof(CasyncSamples.Cases), MemberType = typeof(CasyncSamples))]
    public async Task ChunkAsync_ImageInsideALargerFile_FindsCasyncsChunksAtAbsoluteOffsets(int size, string? chunkSize, string? digest)
    {
        using var casync = new CasyncTool();
        byte[] image = CasyncTool.RandomBytes(size, seed: size + 4);
        (string indexPath, _) = casync.Make(casync.WriteFile("image.raw", image), chunkSize, digest);
        ChunkIndex index = ChunkIndex.Parse(File.ReadAllBytes(indexPath), indexPath);
        const int Prefix = 12_345;
        byte[] seed = [.. CasyncTool.RandomBytes(Prefix, seed: 1), .. image, .. CasyncTool.RandomBytes(777, seed: 2)];
        string seedPath = casync.WriteFile("seed.img", seed);

        using var handle = File.OpenHandle(seedPath);
        IReadOnlyList<ChunkIndexEntry> found = await SeedChunker.ChunkAsync(handle, Prefix, size, index, CancellationToken.None);

        Assert.Equal(index.Chunks.Select(c => c with { Offset = c.Offset + Prefix }), found);
    }

    [CasyncFact]
    public async Task ChunkAsync_ImageLargerThanOneBlock_FindsCasyncsChunks()
    {
        // 20 MiB: several 8 MiB read blocks, chunks carried across their edges.
        using var casync = new CasyncTool();
        byte[] image = CasyncTool.RandomBytes(20 * 1024 * 1024, seed: 20);
        string imagePath = casync.WriteFile("image.raw", image);
        (string indexPath, _) = casync.Make(imagePath);
        ChunkIndex index = ChunkIndex.Parse(File.ReadAllBytes(indexPath), indexPath);

        using var handle = File.OpenHandle(imagePath);
        IReadOnlyList<ChunkIndexEntry> found = await SeedChunker.ChunkAsync(handle, 0, image.Length, index, CancellationToken.None);

        Assert.Equal(index.Chunks, found);
    }

    [Fact]
    public async Task ChunkAsync_FileShorterThanLength_CoversWhatTheFileHolds()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sysupdate-seed-{Guid.NewGuid():N}");
        try
        {
            byte[] content = CasyncTool.RandomBytes(100_000, seed: 6);
            await File.WriteAllBytesAsync(path, content);
            ChunkIndex parameters = ChunkIndex.Create(ChunkDigestKind.Sha256, 4096, 8192, 16384, []);

            using var handle = File.OpenHandle(path);
            IReadOnlyList<ChunkIndexEntry> found = await SeedChunker.ChunkAsync(handle, 0, 1_000_000, parameters, CancellationToken.None);

            Assert.Equal(content.Length, found[^1].End);
            Assert.All(found, c => Assert.Equal(ChunkHasher.Compute(ChunkDigestKind.Sha256, content.AsSpan((int)c.Offset, c.Length)), c.Id));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ChunkAsync_Cancelled_ThrowsOperationCanceled()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sysupdate-seed-{Guid.NewGuid():N}");
        try
        {
            await File.WriteAllBytesAsync(path, CasyncTool.RandomBytes(1_000_000, seed: 7));
            ChunkIndex parameters = ChunkIndex.Create(ChunkDigestKind.Sha512_256, 16384, 65536, 262144, []);
            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync();

            using var handle = File.OpenHandle(path);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SeedChunker.ChunkAsync(handle, 0, 1_000_000, parameters, cancelled.Token));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
