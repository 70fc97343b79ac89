using System.Buffers;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Transport;

namespace SysUpdate.Core.Delta;

/// <summary>
/// The new image, read front to back, put together from its chunks: each chunk comes from a seed that holds it,
/// else from the target region where it already lies (an interrupted run's bytes), else from the chunk store —
/// and every one is hashed and compared with its ID first, so a wrong chunk is never handed out. Chunks are
/// obtained ahead of the reader (bounded in count and bytes) so seed reads and hashing overlap on all cores; with
/// a target region, the chunks no seed holds are fetched into it from the start by a <see cref="ChunkFetchLane"/>
/// (many requests at a time on kept-alive connections), whatever the reader is doing.
/// </summary>
/// <remarks>The reader writes what it reads sequentially into the in-place region, so a chunk's region is read
/// before any byte of it is written: chunks are only ever obtained ahead of the reader, never behind it.</remarks>
internal sealed class ChunkAssemblyStream : Stream
{
    /// <summary>Chunks obtained ahead of the reader at most.</summary>
    private const int MaxChunksAhead = 64;

    /// <summary>Bytes obtained ahead of the reader at most (the window's memory bound).</summary>
    private const long MaxBytesAhead = 8L * 1024 * 1024;

    private readonly ChunkIndex _index;
    private readonly SeedCatalog _seeds;
    private readonly ChunkStoreClient _store;
    private readonly InPlaceRegion? _inPlace;
    private readonly DeltaStatistics _statistics;
    private readonly SemaphoreSlim _fetchSlots;
    private readonly CancellationTokenSource _stop = new();
    private readonly Queue<Task<ObtainedChunk>> _ahead = new();
    private readonly ChunkFetchLane? _lane;
    private long _bytesAhead;
    private int _nextToStart;
    private ObtainedChunk? _current;
    private int _currentPosition;
    private long _position;
    private bool _disposed;

    /// <param name="fetchConcurrency">Chunk requests in flight at most.</param>
    public ChunkAssemblyStream(ChunkIndex index, SeedCatalog seeds, ChunkStoreClient store, InPlaceRegion? inPlace, DeltaStatistics statistics,
        int fetchConcurrency)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentOutOfRangeException.ThrowIfLessThan(fetchConcurrency, 1);
        _index = index;
        _seeds = seeds;
        _store = store;
        _inPlace = inPlace;
        _statistics = statistics;
        _fetchSlots = new SemaphoreSlim(fetchConcurrency);
        if (inPlace is not null)
            _lane = new ChunkFetchLane(index, id => !seeds.TryGet(id, out _), store, inPlace, fetchConcurrency);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _index.TotalLength;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (true)
        {
            if (_current is { } current && _currentPosition < current.Length)
            {
                int n = Math.Min(buffer.Length, current.Length - _currentPosition);
                current.Data.AsMemory(_currentPosition, n).CopyTo(buffer);
                _currentPosition += n;
                _position += n;
                return n;
            }

            ReturnBuffer(_current);
            _current = null;
            StartAhead();
            if (!_ahead.TryDequeue(out var next))
                return 0;
            ObtainedChunk obtained = await next.WaitAsync(cancellationToken).ConfigureAwait(false);
            _bytesAhead -= obtained.Length;
            // Counted when handed out, not when obtained ahead: the split then adds up to the bytes done.
            if (obtained.WireBytes is { } wire)
                _statistics.AddFetched(obtained.Length, wire);
            else
                _statistics.AddReused(obtained.Length);
            _current = obtained;
            _currentPosition = 0;
            StartAhead();
        }
    }

    private void StartAhead()
    {
        while (_nextToStart < _index.Chunks.Count && _ahead.Count < MaxChunksAhead && _bytesAhead < MaxBytesAhead)
        {
            var entry = _index.Chunks[_nextToStart++];
            _bytesAhead += entry.Length;
            _ahead.Enqueue(Task.Run(() => ObtainAsync(entry, _stop.Token)));
        }
    }

    private async Task<ObtainedChunk> ObtainAsync(ChunkIndexEntry entry, CancellationToken cancellationToken)
    {
        if (_seeds.TryGet(entry.Id, out var seed)
            && await TryReadVerifiedAsync(seed.Handle, seed.Offset, entry, seed.Check, cancellationToken).ConfigureAwait(false) is { } fromSeed)
        {
            return fromSeed;
        }

        if (_lane is not null && _inPlace is { } target && _lane.TryGet(entry.Id, out var pending))
        {
            var laneChunk = await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
            long? wire = laneChunk.Offset == entry.Offset ? laneChunk.WireBytes : null; // a repeated ID crossed the wire once
            if (laneChunk.Data is { } data)
                return new ObtainedChunk(data, entry.Length, Pooled: false, wire);
            if (await TryReadVerifiedAsync(target.Handle, target.Offset + laneChunk.Offset, entry, laneChunk.Check, cancellationToken).ConfigureAwait(false)
                is { } placed)
                return placed with { WireBytes = wire };
        }

        if (_inPlace is { } region && entry.Offset + entry.Length <= region.Length
            && await TryReadVerifiedAsync(region.Handle, region.Offset + entry.Offset, entry, check: null, cancellationToken).ConfigureAwait(false) is { } inPlace)
        {
            return inPlace;
        }

        await _fetchSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var fetched = await _store.FetchForAssemblyAsync(entry, cancellationToken).ConfigureAwait(false);
            await KeepInPlaceAsync(fetched.Data, entry).ConfigureAwait(false);
            return new ObtainedChunk(fetched.Data, entry.Length, Pooled: false, fetched.WireBytes);
        }
        finally
        {
            _fetchSlots.Release();
        }
    }

    /// <summary>
    /// Writes a fetched (verified) chunk at its own offset in the target region as soon as it arrives, not only when the
    /// reader gets there: fetches run out of order and far ahead of the reader, so an interruption would otherwise lose
    /// every chunk fetched past the first one still missing — and the next run would fetch them again. The reader writes
    /// the same bytes there later; chunks past the reader are never read from the region again in this run. Not
    /// cancellable: a chunk fetched and verified is worth the moment its write takes even while the run is cancelled.
    /// </summary>
    private async ValueTask KeepInPlaceAsync(byte[] data, ChunkIndexEntry entry)
    {
        if (_inPlace is not { } region)
            return;
        try
        {
            await RandomAccess.WriteAsync(region.Handle, data.AsMemory(0, entry.Length), region.Offset + entry.Offset, CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Only a head start for an interrupted run: the reader's own write of these bytes reports a failing target.
        }
    }

    /// <summary>The chunk's bytes at <paramref name="offset"/> when they hash to its ID — or, for a seed chunk whose digest
    /// was computed from these bytes when the seed was scanned, when they still have that scan's XxHash3
    /// (<paramref name="check"/>); null otherwise (short read, different bytes, an I/O error: the chunk is then looked
    /// for elsewhere).</summary>
    private async Task<ObtainedChunk?> TryReadVerifiedAsync(SafeFileHandle handle, long offset, ChunkIndexEntry entry, ulong? check,
        CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(entry.Length);
        try
        {
            int filled = 0;
            while (filled < entry.Length)
            {
                int n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(filled, entry.Length - filled), offset + filled, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                    break;
                filled += n;
            }
            var bytes = buffer.AsSpan(0, entry.Length);
            bool same = filled == entry.Length
                && (check is { } expected ? XxHash3.HashToUInt64(bytes) == expected : ChunkHasher.Compute(_index.Digest, bytes) == entry.Id);
            if (same)
                return new ObtainedChunk(buffer, entry.Length, Pooled: true);
        }
        catch (IOException)
        {
        }
        ArrayPool<byte>.Shared.Return(buffer);
        return null;
    }

    private static void ReturnBuffer(ObtainedChunk? chunk)
    {
        if (chunk is { Pooled: true })
            ArrayPool<byte>.Shared.Return(chunk.Data);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_lane is not null)
            await _lane.DisposeAsync().ConfigureAwait(false);
        ReturnBuffer(_current);
        _current = null;
        while (_ahead.TryDequeue(out var pending))
        {
            try
            {
                ReturnBuffer(await pending.ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is OperationCanceledException or SysUpdateException or IOException)
            {
                // Abandoned ahead of the reader: nothing waits for it.
            }
        }
        _stop.Dispose();
        _fetchSlots.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose(disposing);
    }

    /// <summary>A chunk's bytes: <see cref="Data"/> may be longer than <see cref="Length"/> when rented. <see cref="WireBytes"/>:
    /// what the store sent for it, null when it came from a local copy.</summary>
    private sealed record ObtainedChunk(byte[] Data, int Length, bool Pooled, long? WireBytes = null);
}
