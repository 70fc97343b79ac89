using SysUpdate.Core.Transport;

namespace SysUpdate.Core.Delta;

/// <summary>
/// Fetches chunks from a casync chunk store (<c>STORE/xxxx/ID.cacnk</c>, over HTTP(S) or <c>file://</c>) on the
/// transport's kept-alive connections; each is decoded and checked against its ID before anyone sees a byte.
/// Transient HTTP failures are retried by the transport; a chunk that arrives but does not verify is fetched
/// once more (a proxy or CDN may have served a broken copy) before the failure is final.
/// </summary>
internal sealed class ChunkStoreClient
{
    private readonly TransportClient _transport;
    private readonly Uri _store;
    private readonly ChunkDigestKind _digest;

    /// <param name="store">The store's base URL; a missing trailing <c>/</c> is added.</param>
    public ChunkStoreClient(TransportClient transport, Uri store, ChunkDigestKind digest)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(store);
        _transport = transport;
        _store = store.AbsoluteUri.EndsWith('/') ? store : new Uri(store.AbsoluteUri + "/");
        _digest = digest;
    }

    public Uri Store => _store;

    /// <summary>casync's layout: the first four hex digits of the ID name the directory.</summary>
    public Uri ChunkUrl(ChunkId id)
    {
        string hex = id.ToHex();
        return new Uri(_store, $"{hex[..4]}/{hex}.cacnk");
    }

    /// <summary>The chunk's bytes, verified.</summary>
    /// <exception cref="TransportException">It could not be fetched (missing: <see cref="TransportError.HttpStatus"/> 404).</exception>
    /// <exception cref="ChunkDigestMismatchException">It arrived twice and did not match its ID either time.</exception>
    /// <exception cref="ChunkFormatException">It is not a compressed chunk casync or desync would write.</exception>
    public async Task<FetchedChunk> FetchAsync(ChunkIndexEntry entry, CancellationToken cancellationToken)
    {
        Uri url = ChunkUrl(entry.Id);
        for (int attempt = 1; ; attempt++)
        {
            var file = await _transport.GetSmallFileAsync(url, MaxCompressedBytes(entry.Length), CachePolicy.Bypass, cancellationToken).ConfigureAwait(false);
            try
            {
                byte[] data = ChunkDecoder.DecodeAndVerify(file.Content.Span, entry, _digest, TransportException.Display(url));
                return new FetchedChunk(data, file.Content.Length);
            }
            catch (ChunkDigestMismatchException) when (attempt == 1)
            {
            }
        }
    }

    /// <summary><see cref="FetchAsync"/> for an image being assembled: any failure means the delta cannot go on.</summary>
    /// <exception cref="DeltaUnavailableException">Unreachable or missing (<see cref="DeltaFallbackReason.ChunkUnavailable"/>),
    /// or not the chunk its ID names (<see cref="DeltaFallbackReason.ChunkInvalid"/>).</exception>
    public async Task<FetchedChunk> FetchForAssemblyAsync(ChunkIndexEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            return await FetchAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch (TransportException ex)
        {
            throw new DeltaUnavailableException(DeltaFallbackReason.ChunkUnavailable, ex.Message, ex);
        }
        catch (Exception ex) when (ex is ChunkDigestMismatchException or ChunkFormatException)
        {
            throw new DeltaUnavailableException(DeltaFallbackReason.ChunkInvalid, ex.Message, ex);
        }
    }

    /// <summary>A compressed chunk is never much larger than its data; anything bigger is not a chunk of this index.</summary>
    private static long MaxCompressedBytes(int length) => length + (length / 8) + (64 * 1024);
}
