using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using SysUpdate.Core.Compression;
using SysUpdate.Core.Pipeline;
using SysUpdate.Core.Transport;

namespace SysUpdate.Benchmarks;

/// <summary>Each stage of the data path alone, as the product runs it, timed.</summary>
internal static class Stages
{
    private const int ReadChunk = 256 * 1024; // what PublishedBytesPump asks of its source

    /// <summary>SHA-256 (IncrementalHash) of a file read in the pump's chunk size.</summary>
    public static async Task<(TimeSpan Time, string Sha256)> HashFileAsync(string path)
    {
        var stopwatch = Stopwatch.StartNew();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReadChunk);
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, useAsync: false);
            int n;
            while ((n = await file.ReadAsync(buffer.AsMemory(0, ReadChunk)).ConfigureAwait(false)) > 0)
                hash.AppendData(buffer, 0, n);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        string hex = Convert.ToHexStringLower(hash.GetHashAndReset());
        return (stopwatch.Elapsed, hex);
    }

    /// <summary>Decoding alone: the file through <see cref="Decompressor"/> into a discarding sink.</summary>
    public static async Task<(TimeSpan Time, long Decoded)> DecodeFileAsync(string path)
    {
        var stopwatch = Stopwatch.StartNew();
        byte[] head = new byte[CompressionSniffer.MaxMagicLength];
        int filled;
        using (var peek = File.OpenHandle(path))
            filled = RandomAccess.Read(peek, head, 0);
        var format = CompressionSniffer.Detect(head.AsSpan(0, filled));
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, useAsync: false);
        await using var decoded = Decompressor.OpenRead(file, format, leaveOpen: false);
        long total = await DrainAsync(decoded, 1024 * 1024).ConfigureAwait(false);
        return (stopwatch.Elapsed, total);
    }

    /// <summary>The write stage alone: <see cref="BoundedWriter"/> of <paramref name="size"/> bytes from memory into the image at the slot offset.</summary>
    public static async Task<TimeSpan> WriteAsync(string image, long offset, long slotSize, long size, bool sync)
    {
        byte[] pattern = new byte[8 * 1024 * 1024];
        PayloadGenerator.Fill(new Random(7), pattern);
        await using var source = new RepeatingStream(pattern, size);
        var stopwatch = Stopwatch.StartNew();
        using var handle = File.OpenHandle(image, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        // The same write path as the partition target: whole chunks through an O_DIRECT descriptor.
        using var direct = OpenDirect(image);
        long written = await BoundedWriter.CopyAsync(source, handle, offset, slotSize, image, sync, CancellationToken.None, direct).ConfigureAwait(false);
        if (written != size)
            throw new BenchmarkSetupException($"write stage wrote {written} bytes, expected {size}");
        return stopwatch.Elapsed;
    }

    private static Microsoft.Win32.SafeHandles.SafeFileHandle? OpenDirect(string path)
    {
        return SysUpdate.Core.Native.LibC.TryOpen(path, SysUpdate.Core.Disk.DiskInterop.O_RDWR | SysUpdate.Core.Disk.DiskInterop.O_DIRECT, 0, out _);
    }

    /// <summary>The download alone: the product's HTTP client reading the body into a sink.</summary>
    public static async Task<(TimeSpan Time, long Bytes)> DownloadAsync(Uri url)
    {
        using var factory = new HttpTransportFactory(new TransportOptions());
        var client = factory.CreateClient();
        var stopwatch = Stopwatch.StartNew();
        await using var body = await client.OpenDownloadAsync(url, 0, null).ConfigureAwait(false);
        long total = await DrainAsync(body, ReadChunk).ConfigureAwait(false);
        return (stopwatch.Elapsed, total);
    }

    private static async Task<long> DrainAsync(Stream stream, int chunk)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(chunk);
        try
        {
            long total = 0;
            int n;
            while ((n = await stream.ReadAsync(buffer.AsMemory(0, chunk)).ConfigureAwait(false)) > 0)
                total += n;
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
