namespace SysUpdate.Core.Delta;

/// <summary>A source that can hand out a version's casync index and chunks (URL sources).</summary>
internal interface IChunkSource
{
    /// <summary>Fetches the index and checks it against the manifest's SHA-256 before parsing it.</summary>
    /// <exception cref="Transport.TransportException">The index could not be fetched.</exception>
    /// <exception cref="ChunkIndexMismatchException">Its SHA-256 differs from the manifest's.</exception>
    /// <exception cref="ChunkIndexFormatException">It is not a casync index.</exception>
    Task<ChunkIndex> FetchIndexAsync(ChunkIndexReference reference, CancellationToken cancellationToken = default);

    ChunkStoreClient OpenStore(ChunkIndexReference reference, ChunkDigestKind digest);
}
