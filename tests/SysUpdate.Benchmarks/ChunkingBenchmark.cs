using System.Diagnostics;
using SysUpdate.Core.Delta;

namespace SysUpdate.Benchmarks;

/// <summary>
/// Throughput of the delta downloader's format layer on random-like data: the buzhash chunker alone, each
/// chunk digest alone (one core), and <see cref="SeedChunker"/> over a seed file in the page cache (all
/// cores, cut + hash), with casync's default 16/64/256 KiB parameters.
/// </summary>
internal static class ChunkingBenchmark
{
    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        int sizeMib = args.GetInt("size-mib", 1024);
        int runs = args.GetInt("runs", 3);
        long size = (long)sizeMib * 1024 * 1024;
        int memoryMib = Math.Min(sizeMib, 256);
        var data = new byte[memoryMib * 1024 * 1024];
        new Random(1).NextBytes(data);

        Console.WriteLine($"chunking benchmark: {Environment.ProcessorCount} cores, in-memory {memoryMib} MiB, seed file {sizeMib} MiB, best of {runs}");
        Report("buzhash chunker (1 core)", data.Length, runs, () => Chunk(data));
        Report("SHA-256 chunk ids (1 core)", data.Length, runs, () => Hash(data, ChunkDigestKind.Sha256));
        Report("SHA-512/256 chunk ids (1 core)", data.Length, runs, () => Hash(data, ChunkDigestKind.Sha512_256));

        string path = Path.Combine(Path.GetTempPath(), $"sysupdate-chunking-{Guid.NewGuid():N}.img");
        try
        {
            await using (FileStream file = File.Create(path))
            {
                for (long written = 0; written < size; written += data.Length)
                    await file.WriteAsync(data.AsMemory(0, (int)Math.Min(data.Length, size - written))).ConfigureAwait(false);
            }

            foreach (ChunkDigestKind digest in new[] { ChunkDigestKind.Sha512_256, ChunkDigestKind.Sha256 })
            {
                ChunkIndex parameters = ChunkIndex.Create(digest, 16 * 1024, 64 * 1024, 256 * 1024, []);
                using var handle = File.OpenHandle(path);
                await SeedChunker.ChunkAsync(handle, 0, size, parameters, CancellationToken.None).ConfigureAwait(false); // warm-up, page cache
                double best = double.MaxValue;
                int chunks = 0;
                long peakBefore = Process.GetCurrentProcess().PeakWorkingSet64;
                for (int run = 0; run < runs; run++)
                {
                    var watch = Stopwatch.StartNew();
                    IReadOnlyList<ChunkIndexEntry> found = await SeedChunker.ChunkAsync(handle, 0, size, parameters, CancellationToken.None).ConfigureAwait(false);
                    best = Math.Min(best, watch.Elapsed.TotalSeconds);
                    chunks = found.Count;
                }

                Console.WriteLine($"  SeedChunker {DigestName(digest),-11} {size / 1048576.0 / best,8:F0} MB/s  ({chunks} chunks, {best:F2} s for {sizeMib} MiB, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB, before {peakBefore / 1048576} MiB)");
            }
        }
        finally
        {
            File.Delete(path);
        }

        return 0;
    }

    private static string DigestName(ChunkDigestKind digest) => digest == ChunkDigestKind.Sha256 ? "sha256" : "sha512-256";

    private static void Report(string what, long bytes, int runs, Func<int> action)
    {
        action();
        double best = double.MaxValue;
        int result = 0;
        for (int run = 0; run < runs; run++)
        {
            var watch = Stopwatch.StartNew();
            result = action();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }

        Console.WriteLine($"  {what,-32} {bytes / 1048576.0 / best,8:F0} MB/s  ({result})");
    }

    private static int Chunk(byte[] data)
    {
        var chunker = new CasyncChunker(16 * 1024, 64 * 1024, 256 * 1024);
        int chunks = 0;
        int position = 0;
        while (position < data.Length)
        {
            int consumed = chunker.FindBoundary(data.AsSpan(position));
            if (consumed < 0)
                break;
            position += consumed;
            chunks++;
        }

        return chunks;
    }

    private static int Hash(byte[] data, ChunkDigestKind digest)
    {
        const int ChunkSize = 64 * 1024;
        int chunks = 0;
        for (int position = 0; position + ChunkSize <= data.Length; position += ChunkSize)
        {
            ChunkHasher.Compute(digest, data.AsSpan(position, ChunkSize));
            chunks++;
        }

        return chunks;
    }
}
