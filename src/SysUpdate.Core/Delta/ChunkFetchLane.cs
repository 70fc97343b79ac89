using System.IO.Hashing;
using SysUpdate.Core.Transport;

namespace SysUpdate.Core.Delta;

/// <summary>
/// Fetches the chunks no seed holds straight into their places in the target region, from the start of the
/// assembly and independently of the reader: a store far away then costs its bandwidth, not one round trip per
/// cluster of changed chunks as the reader reaches it. A chunk already in place (an interrupted run's) is kept.
/// Each is checked against its ID when it arrives; the reader later takes it from the region by the XxHash3 of the
/// bytes that were checked. Only the first occurrence of an ID is fetched; later ones are read from there.
/// </summary>
internal sealed class ChunkFetchLane : IAsyncDisposable
{
    private readonly Dictionary<ChunkId, TaskCompletionSource<LaneChunk>> _chunks = [];
    private readonly ChunkIndex _index;
    private readonly ChunkStoreClient _store;
    private readonly InPlaceRegion _region;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _runner;

    /// <param name="missing">Whether a chunk must come from the store (no seed holds it).</param>
    public ChunkFetchLane(ChunkIndex index, Func<ChunkId, bool> missing, ChunkStoreClient store, InPlaceRegion region, int concurrency)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(missing);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(region);
        _index = index;
        _store = store;
        _region = region;
        var firsts = new List<ChunkIndexEntry>();
        foreach (var entry in index.Chunks)
        {
            if (missing(entry.Id) && !_chunks.ContainsKey(entry.Id))
            {
                _chunks[entry.Id] = new TaskCompletionSource<LaneChunk>(TaskCreationOptions.RunContinuationsAsynchronously);
                firsts.Add(entry);
            }
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = _stop.Token };
        _runner = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(firsts, options, async (entry, ct) => _chunks[entry.Id].TrySetResult(await ObtainAsync(entry, ct).ConfigureAwait(false)))
                    .ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The reader waits on chunks that will now never come: each is told why.
                foreach (var pending in _chunks.Values)
                    pending.TrySetException(ex is AggregateException { InnerException: { } inner } ? inner : ex);
            }
        });
    }

    /// <summary>The lane's chunk with this ID, when it is one the seeds lack.</summary>
    public bool TryGet(ChunkId id, out Task<LaneChunk> chunk)
    {
        bool found = _chunks.TryGetValue(id, out var source);
        chunk = found ? source!.Task : Task.FromResult<LaneChunk>(null!);
        return found;
    }

    private async Task<LaneChunk> ObtainAsync(ChunkIndexEntry entry, CancellationToken cancellationToken)
    {
        if (await InPlaceCheckAsync(entry, cancellationToken).ConfigureAwait(false) is { } check)
            return new LaneChunk(entry.Offset, check, null, null);

        var fetched = await _store.FetchForAssemblyAsync(entry, cancellationToken).ConfigureAwait(false);

        var data = fetched.Data.AsMemory(0, entry.Length);
        try
        {
            // Not cancellable: a chunk fetched and verified is worth the moment its write takes, even while the run is cancelled.
            await RandomAccess.WriteAsync(_region.Handle, data, _region.Offset + entry.Offset, CancellationToken.None).ConfigureAwait(false);
            return new LaneChunk(entry.Offset, XxHash3.HashToUInt64(data.Span), null, fetched.WireBytes);
        }
        catch (IOException)
        {
            return new LaneChunk(entry.Offset, 0, fetched.Data, fetched.WireBytes); // kept in memory; the reader's own write reports a failing target
        }
    }

    /// <summary>The XxHash3 of the chunk's bytes when they are already at its offset with the right ID; null otherwise.</summary>
    private async Task<ulong?> InPlaceCheckAsync(ChunkIndexEntry entry, CancellationToken cancellationToken)
    {
        if (entry.Offset + entry.Length > _region.Length)
            return null;
        byte[] buffer = new byte[entry.Length];
        try
        {
            int filled = 0;
            while (filled < buffer.Length)
            {
                int n = await RandomAccess.ReadAsync(_region.Handle, buffer.AsMemory(filled), _region.Offset + entry.Offset + filled, cancellationToken)
                    .ConfigureAwait(false);
                if (n == 0)
                    return null;
                filled += n;
            }
        }
        catch (IOException)
        {
            return null;
        }
        return ChunkHasher.Compute(_index.Digest, buffer) == entry.Id ? XxHash3.HashToUInt64(buffer) : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _runner.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
