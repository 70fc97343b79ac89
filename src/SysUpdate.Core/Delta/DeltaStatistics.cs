namespace SysUpdate.Core.Delta;

/// <summary>What a delta download has done so far; updated from several threads.</summary>
internal sealed class DeltaStatistics
{
    private long _bytesFetched;
    private long _wireBytes;
    private long _bytesReused;
    private long _chunksFetched;
    private long _chunksReused;

    /// <summary>Image bytes that came from the chunk store (uncompressed).</summary>
    public long BytesFetched => Interlocked.Read(ref _bytesFetched);

    /// <summary>Bytes the chunk store sent for them (compressed).</summary>
    public long WireBytes => Interlocked.Read(ref _wireBytes);

    /// <summary>Image bytes copied from local seeds or found already in place.</summary>
    public long BytesReused => Interlocked.Read(ref _bytesReused);

    public long ChunksFetched => Interlocked.Read(ref _chunksFetched);

    public long ChunksReused => Interlocked.Read(ref _chunksReused);

    public void AddFetched(int length, long wireBytes)
    {
        Interlocked.Add(ref _bytesFetched, length);
        Interlocked.Add(ref _wireBytes, wireBytes);
        Interlocked.Increment(ref _chunksFetched);
    }

    public void AddReused(int length)
    {
        Interlocked.Add(ref _bytesReused, length);
        Interlocked.Increment(ref _chunksReused);
    }
}
