using System.Buffers;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace SysUpdate.Core.Delta;

/// <summary>
/// Cuts a seed (an installed file or partition) into chunks with an index's chunker and digest, so the chunks
/// it shares with the index can be copied instead of fetched.
/// </summary>
/// <remarks>
/// One thread reads large blocks and finds the boundaries (inherently sequential); the complete chunks of a
/// block are hashed in parallel on all cores while the next block is read and cut. At most
/// <see cref="BufferCount"/> blocks are in flight: about 3 × (2 MiB + max chunk size) of memory.
/// </remarks>
internal static class SeedChunker
{
    private const int BlockSize = 2 * 1024 * 1024;
    private const int BufferCount = 3;

    /// <summary>
    /// Chunks [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>) of
    /// <paramref name="handle"/>, returning entries with absolute file offsets. If the file ends early, the
    /// chunks cover what it holds.
    /// </summary>
    public static async Task<IReadOnlyList<ChunkIndexEntry>> ChunkAsync(
        SafeFileHandle handle, long offset, long length, ChunkIndex parameters, CancellationToken cancellationToken)
    {
        var pieces = await ScanAsync(handle, offset, length, parameters, wantedLengths: null, cancellationToken).ConfigureAwait(false);
        return pieces.Select(p => p.Entry).ToList();
    }

    /// <summary>
    /// Like <see cref="ChunkAsync"/>, for seeds: only chunks whose length is in <paramref name="wantedLengths"/> (when
    /// given) are hashed and returned — a chunk of any other length cannot be one the index needs, and skipping its digest
    /// is most of the work saved on a seed that shares little — and each carries an XxHash3 of its bytes, so that copying
    /// it later can confirm the bytes are still those that were hashed without paying for the digest again.
    /// </summary>
    public static async Task<IReadOnlyList<SeedPiece>> ScanAsync(
        SafeFileHandle handle, long offset, long length, ChunkIndex parameters, IReadOnlySet<int>? wantedLengths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        cancellationToken.ThrowIfCancellationRequested();

        CasyncChunker chunker = parameters.CreateChunker();
        ChunkDigestKind digest = parameters.Digest;
        int bufferSize = BlockSize + parameters.MaxChunkSize;
        var buffers = new byte[BufferCount][];
        var pending = new Task<SeedPiece[]>?[BufferCount];
        var results = new List<SeedPiece>();
        try
        {
            for (int b = 0; b < BufferCount; b++)
                buffers[b] = ArrayPool<byte>.Shared.Rent(bufferSize);

            long position = offset;          // file offset of the next byte to read
            long end = offset + length;
            int carried = 0;                 // bytes of the chunk in progress, at the start of the current buffer
            int current = 0;
            bool endOfFile = false;
            while (true)
            {
                // The buffer's previous hashing job must be done before it is overwritten.
                if (pending[current] is { } previous)
                {
                    results.AddRange(await previous.ConfigureAwait(false));
                    pending[current] = null;
                }

                byte[] buffer = buffers[current];
                int toRead = (int)Math.Min(BlockSize, end - position);
                int read = endOfFile ? 0 : await ReadFullyAsync(handle, buffer.AsMemory(carried, toRead), position, cancellationToken).ConfigureAwait(false);
                endOfFile |= read < toRead;
                long bufferFileOffset = position - carried;
                position += read;
                bool last = endOfFile || position == end;

                List<(int Start, int Length)> cuts = Cut(chunker, buffer.AsSpan(0, carried + read), carried, out int tail);
                if (last && tail > 0)
                {
                    cuts.Add((carried + read - tail, tail));
                    tail = 0;
                }

                pending[current] = HashAsync(buffer, cuts, bufferFileOffset, digest, wantedLengths, cancellationToken);

                if (last)
                    break;

                int next = (current + 1) % BufferCount;
                if (pending[next] is { } occupying)
                {
                    results.AddRange(await occupying.ConfigureAwait(false));
                    pending[next] = null;
                }

                // The chunk in progress continues in the next buffer; its bytes are needed there to hash it.
                buffer.AsSpan(carried + read - tail, tail).CopyTo(buffers[next]);
                carried = tail;
                current = next;
            }

            for (int i = 1; i <= BufferCount; i++)
            {
                int slot = (current + i) % BufferCount;
                if (pending[slot] is { } job)
                {
                    results.AddRange(await job.ConfigureAwait(false));
                    pending[slot] = null;
                }
            }

            return results;
        }
        finally
        {
            // A job still running reads its buffer: wait for it (it stops at the cancellation) before returning
            // the buffers to the pool.
            // Its own failure or cancellation is not news: the exception already leaving this method says why.
            foreach (Task<SeedPiece[]>? job in pending)
            {
                if (job is not null)
                    await ((Task)job).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            foreach (byte[]? buffer in buffers)
            {
                if (buffer is not null)
                    ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    // Runs the chunker over the bytes after the carried prefix (the carried bytes were already fed to it).
    private static List<(int Start, int Length)> Cut(CasyncChunker chunker, ReadOnlySpan<byte> buffer, int carried, out int tail)
    {
        var cuts = new List<(int, int)>();
        int chunkStart = 0;
        int scan = carried;
        while (scan < buffer.Length)
        {
            int consumed = chunker.FindBoundary(buffer[scan..]);
            if (consumed < 0)
                break;
            int chunkEnd = scan + consumed;
            cuts.Add((chunkStart, chunkEnd - chunkStart));
            chunkStart = chunkEnd;
            scan = chunkEnd;
        }

        tail = buffer.Length - chunkStart;
        return cuts;
    }

    private static Task<SeedPiece[]> HashAsync(byte[] buffer, List<(int Start, int Length)> cuts, long bufferFileOffset, ChunkDigestKind digest,
        IReadOnlySet<int>? wantedLengths, CancellationToken cancellationToken)
    {
        if (wantedLengths is not null)
            cuts = cuts.Where(c => wantedLengths.Contains(c.Length)).ToList();
        if (cuts.Count == 0)
            return Task.FromResult(Array.Empty<SeedPiece>());

        return Task.Run(() =>
        {
            var entries = new SeedPiece[cuts.Count];
            var options = new ParallelOptions { CancellationToken = cancellationToken };
            Parallel.For(0, cuts.Count, options, i =>
            {
                (int start, int chunkLength) = cuts[i];
                var bytes = buffer.AsSpan(start, chunkLength);
                ChunkId id = ChunkHasher.Compute(digest, bytes);
                entries[i] = new SeedPiece(new ChunkIndexEntry(bufferFileOffset + start, chunkLength, id), XxHash3.HashToUInt64(bytes));
            });
            return entries;
        }, cancellationToken);
    }

    private static async ValueTask<int> ReadFullyAsync(SafeFileHandle handle, Memory<byte> destination, long fileOffset, CancellationToken cancellationToken)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int read = await RandomAccess.ReadAsync(handle, destination[total..], fileOffset + total, cancellationToken).ConfigureAwait(false);
            if (read == 0)
                break;
            total += read;
        }

        return total;
    }
}
