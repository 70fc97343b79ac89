using System.Globalization;
using SysUpdate.Core.Instances;
using SysUpdate.Core.Pipeline;
using SysUpdate.Core.Sources;
using SysUpdate.Core.Transport;

namespace SysUpdate.Core.Delta;

/// <summary>
/// One version's image put together from its casync chunk index instead of downloaded whole: the index is fetched
/// and checked against the manifest, the local seeds are scanned for its chunks, and the image is then read from
/// <see cref="OpenImage"/> like any other payload. Anything that makes the delta impossible or pointless becomes
/// one log line and a null (<see cref="TryPrepareAsync"/>) or a <see cref="DeltaUnavailableException"/> (while
/// reading): the caller then downloads the whole image.
/// </summary>
internal sealed class DeltaDownload : IDisposable
{
    /// <summary>Chunk requests in flight at once.</summary>
    public const int FetchConcurrency = 8;

    /// <summary>Above this share of the image to fetch, one whole download beats many chunk requests.</summary>
    public const double DefaultMaxFetchShare = 0.8;

    /// <summary>The source's <c>DeltaMaxFetch=</c> as a share, or the default.</summary>
    public static double MaxFetchShare(Config.Resource source) =>
        source is { DeltaMaxFetchPercent: { } percent } ? percent / 100.0 : DefaultMaxFetchShare;

    private readonly Instance _source;
    private readonly ChunkIndexReference _reference;
    private readonly SeedCatalog _seeds;
    private readonly ChunkStoreClient _store;
    private HashingReadStream? _image;

    private DeltaDownload(Instance source, ChunkIndexReference reference, ChunkIndex index, SeedCatalog seeds, ChunkStoreClient store, long reusable)
    {
        _source = source;
        _reference = reference;
        Index = index;
        _seeds = seeds;
        _store = store;
        ReusableBytes = reusable;
    }

    public ChunkIndex Index { get; }

    /// <summary>Image bytes the seeds hold (before in-place chunks are counted).</summary>
    public long ReusableBytes { get; }

    public DeltaStatistics Statistics { get; } = new();

    /// <summary>
    /// Fetches and checks the index and scans the seeds. Null (after one line to <paramref name="log"/>) when the
    /// source has no index for this version, the index is unusable, or the seeds hold less than
    /// 1 − <paramref name="maxFetchShare"/> of the image while nothing suggests an interrupted run left more in place.
    /// </summary>
    /// <param name="seeds">Local copies to scan, best first; called only once the index is known.</param>
    /// <param name="resuming">An interrupted run of this version left bytes in the target region: worth trying whatever the seeds hold.</param>
    public static async Task<DeltaDownload?> TryPrepareAsync(Instance source, ISourceResource sourceResource, Func<ChunkIndex, IEnumerable<ChunkSeed>> seeds,
        bool resuming, double maxFetchShare, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sourceResource);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(log);
        if (sourceResource is not IChunkSource chunks)
            return null;
        if (source.ChunkIndex is not { } reference)
        {
            if (source.MissingChunkIndex is { } missing)
                log($"{source.Path}: the manifest lists chunk indexes but not {missing}, downloading the whole image");
            return null;
        }

        ChunkIndex index;
        try
        {
            index = await chunks.FetchIndexAsync(reference, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TransportException or ChunkIndexMismatchException or ChunkIndexFormatException)
        {
            log($"{source.Path}: chunk index not usable, downloading the whole image: {ex.Message}");
            return null;
        }

        var catalog = await SeedCatalog.BuildAsync(seeds(index), index, log, cancellationToken).ConfigureAwait(false);
        long reusable = index.Chunks.Where(c => catalog.TryGet(c.Id, out _)).Sum(c => (long)c.Length);
        long toFetch = index.TotalLength - reusable;
        if (!resuming && index.TotalLength > 0 && toFetch > maxFetchShare * index.TotalLength)
        {
            catalog.Dispose();
            log(string.Create(CultureInfo.InvariantCulture,
                $"{source.Path}: local copies hold {Percent(reusable, index.TotalLength)}% of the image, downloading it whole rather than chunk by chunk"));
            return null;
        }
        return new DeltaDownload(source, reference, index, catalog, chunks.OpenStore(reference, index.Digest), reusable);
    }

    /// <summary>The image, front to back. Reports progress as image bytes assembled, with the fetched/reused split.</summary>
    /// <param name="inPlace">The region being written, for chunks an interrupted run already put there; null for none.</param>
    public Stream OpenImage(InPlaceRegion? inPlace, Action<PayloadProgress>? onProgress)
    {
        if (_image is not null)
            throw new InvalidOperationException("The image was opened already.");
        var assembly = new ChunkAssemblyStream(Index, _seeds, _store, inPlace, Statistics, FetchConcurrency);
        Action<long>? report = onProgress is null ? null
            : done => onProgress(new PayloadProgress(done, Index.TotalLength, Statistics.BytesFetched, Statistics.BytesReused));
        _image = new HashingReadStream(assembly, leaveOpen: false, report);
        return _image;
    }

    /// <summary>Checks that all of the image was written and, for an image published uncompressed, that it has the
    /// manifest's SHA-256 (every chunk was already checked against its ID; the index against the manifest).</summary>
    /// <exception cref="HashMismatchException">The assembled image is not the published one.</exception>
    public void Verify(long written)
    {
        var image = _image ?? throw new InvalidOperationException("The image was never opened.");
        if (written != Index.TotalLength)
            throw new SysUpdateException(string.Create(CultureInfo.InvariantCulture,
                $"{_source.Path}: {written} bytes assembled, the chunk index describes {Index.TotalLength}; nothing was installed"))
            { Errno = Errno.EIO };
        string actual = image.FinishHex();
        if (_reference.ImageSha256 is { } expected && !string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            throw new HashMismatchException(_source.Path, expected, actual);
    }

    /// <summary>One line for the log once the image is complete.</summary>
    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"{_source.Path}: assembled from {Index.Chunks.Count} chunks: {Statistics.BytesReused} bytes reused from local copies ({Percent(Statistics.BytesReused, Index.TotalLength)}%), "
        + $"{Statistics.BytesFetched} fetched from {TransportException.Display(_store.Store)} ({Statistics.WireBytes} bytes transferred, {Statistics.ChunksFetched} chunks)");

    private static int Percent(long part, long whole) => whole == 0 ? 100 : (int)(part * 100 / whole);

    public void Dispose()
    {
        _image?.Dispose();
        _seeds.Dispose();
    }
}
