using System.Buffers;
using System.Net;
using System.Net.Http.Headers;

namespace SysUpdate.Core.Transport;

internal sealed partial class TransportClient
{
    /// <summary>Largest small file accepted unless the caller says otherwise (64 MiB).</summary>
    public const long DefaultMaxSmallFileBytes = 64L * 1024 * 1024;

    private const int ChunkSize = 64 * 1024;

    /// <summary>
    /// Reads a whole small file (manifest, signature) of at most <paramref name="maxBytes"/> bytes.
    /// With a cache directory, HTTP fetches are conditional and a 304 returns the cached copy.
    /// </summary>
    /// <exception cref="TransportException">Any failure, including 404 (use <see cref="TryGetSmallFileAsync"/> to tell that apart).</exception>
    public Task<FetchedFile> GetSmallFileAsync(Uri url, long maxBytes = DefaultMaxSmallFileBytes, CancellationToken cancellationToken = default) =>
        GetSmallFileAsync(url, maxBytes, CachePolicy.Conditional, cancellationToken);

    /// <inheritdoc cref="GetSmallFileAsync(Uri, long, CancellationToken)"/>
    public async Task<FetchedFile> GetSmallFileAsync(Uri url, long maxBytes, CachePolicy policy, CancellationToken cancellationToken = default) =>
        await FetchSmallFileAsync(url, maxBytes, notFoundIsNull: false, policy, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException("Not-found result without notFoundIsNull.");

    /// <summary>
    /// Like <see cref="GetSmallFileAsync"/>, but returns null when the file does not exist
    /// (HTTP 404 or 410, or a missing local file), e.g. to fall back from SHA256SUMS.gpg to SHA256SUMS.asc.
    /// </summary>
    public Task<FetchedFile?> TryGetSmallFileAsync(Uri url, long maxBytes = DefaultMaxSmallFileBytes, CancellationToken cancellationToken = default) =>
        FetchSmallFileAsync(url, maxBytes, notFoundIsNull: true, CachePolicy.Conditional, cancellationToken);

    /// <inheritdoc cref="TryGetSmallFileAsync(Uri, long, CancellationToken)"/>
    public Task<FetchedFile?> TryGetSmallFileAsync(Uri url, long maxBytes, CachePolicy policy, CancellationToken cancellationToken = default) =>
        FetchSmallFileAsync(url, maxBytes, notFoundIsNull: true, policy, cancellationToken);

    private async Task<FetchedFile?> FetchSmallFileAsync(Uri url, long maxBytes, bool notFoundIsNull, CachePolicy policy, CancellationToken cancellationToken)
    {
        CheckScheme(url);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        cancellationToken.ThrowIfCancellationRequested();
        if (url.IsFile)
        {
            return await ReadLocalSmallFileAsync(url, maxBytes, notFoundIsNull, cancellationToken).ConfigureAwait(false);
        }

        CacheEntry? cached = _cache is null || policy != CachePolicy.Conditional
            ? null
            : await _cache.TryLoadAsync(url, maxBytes, cancellationToken).ConfigureAwait(false);

        using HttpResponseMessage response = await SendAsync(url, cached is null ? null : request => AddConditions(request, cached), cancellationToken)
            .ConfigureAwait(false);

        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            if (cached is null)
            {
                throw new TransportException(url, TransportError.Protocol, "HTTP 304 Not Modified for an unconditional request")
                {
                    StatusCode = 304,
                };
            }

            TransportLog.NotModified(_logger, TransportException.Display(url));
            return new FetchedFile(url, cached.Body, FromCache: true, cached.ETag, cached.LastModified);
        }

        if (notFoundIsNull && response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            return null;
        }

        if (response.StatusCode is < HttpStatusCode.OK or > (HttpStatusCode)299 or HttpStatusCode.PartialContent)
        {
            throw StatusError(url, response);
        }

        long? contentLength = response.Content.Headers.ContentLength;
        if (contentLength > maxBytes)
        {
            throw TooLarge(url, maxBytes);
        }

        byte[] body;
        var stream = new DownloadStream(
            url,
            await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
            owner: null,
            offset: 0,
            contentLength,
            contentLength,
            validator: null,
            _options.ReadTimeout,
            isNetwork: true,
            _options.CreateLowSpeedMeter(),
            _rateLimiter);
        await using (stream.ConfigureAwait(false))
        {
            body = await ReadCappedAsync(url, stream, contentLength, maxBytes, cancellationToken).ConfigureAwait(false);
        }

        string? etag = response.Headers.ETag?.ToString();
        DateTimeOffset? lastModified = response.Content.Headers.LastModified;
        bool stable = CacheValidators.AreStable(etag, lastModified, response.Headers.Date, DateTimeOffset.UtcNow);
        if (policy != CachePolicy.Bypass)
        {
            await UpdateCacheAsync(url, body, stable ? etag : null, stable ? lastModified : null, cancellationToken).ConfigureAwait(false);
        }

        return new FetchedFile(url, body, FromCache: false, etag, lastModified);
    }

    private static void AddConditions(HttpRequestMessage request, CacheEntry cached)
    {
        if (cached.ETag is not null && EntityTagHeaderValue.TryParse(cached.ETag, out EntityTagHeaderValue? etag))
        {
            request.Headers.IfNoneMatch.Add(etag);
        }

        if (cached.LastModified is DateTimeOffset modified)
        {
            request.Headers.IfModifiedSince = modified;
        }
    }

    private async Task UpdateCacheAsync(Uri url, byte[] body, string? etag, DateTimeOffset? lastModified, CancellationToken cancellationToken)
    {
        if (_cache is null)
        {
            return;
        }

        try
        {
            if (etag is null && lastModified is null)
            {
                // No validator that can be trusted next time: the next fetch must be a full one.
                _cache.Remove(url);
            }
            else
            {
                await _cache.StoreAsync(url, body, etag, lastModified, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The cache only saves bandwidth; the file itself was fetched fine.
            TransportLog.CacheStoreFailed(_logger, TransportException.Display(url), DownloadStream.OneLine(ex.Message));
        }
    }

    private static async Task<byte[]> ReadCappedAsync(Uri url, Stream stream, long? contentLength, long maxBytes, CancellationToken cancellationToken)
    {
        if (contentLength is long exact)
        {
            byte[] buffer = new byte[exact];
            int filled = 0;
            while (filled < buffer.Length)
            {
                int read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break; // DownloadStream has already thrown for a short body.
                }

                filled += read;
            }

            return buffer;
        }

        // No Content-Length (chunked): grow up to the cap, and read one byte past it to detect overflow.
        using var collected = new MemoryStream();
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            while (true)
            {
                int read = await stream.ReadAsync(chunk.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return collected.ToArray();
                }

                if (collected.Length + read > maxBytes)
                {
                    throw TooLarge(url, maxBytes);
                }

                collected.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static TransportException TooLarge(Uri url, long maxBytes) =>
        new(url, TransportError.TooLarge, FormattableString.Invariant($"file is larger than the limit of {maxBytes} bytes"));
}
