using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace SysUpdate.Core.Transport;

internal sealed partial class TransportClient
{
    /// <summary>
    /// Opens the body of <paramref name="url"/> for streaming, continuing at
    /// <paramref name="resumeOffset"/> when it is positive (<c>Range: bytes=N-</c> with
    /// <c>If-Range: <paramref name="ifRange"/></c>). Check <see cref="DownloadStream.Offset"/>: when
    /// it is 0 although a resume was asked for, the server sent the whole resource again (it changed,
    /// or does not do ranges) and the caller must discard its partial data.
    /// </summary>
    /// <param name="url">An http, https or file URL.</param>
    /// <param name="resumeOffset">Bytes already held from an earlier attempt; 0 for a fresh download.</param>
    /// <param name="ifRange">
    /// <see cref="DownloadStream.Validator"/> of the earlier attempt (strong ETag or HTTP date). With
    /// null the range is asked for unconditionally (the caller's hash check must catch a changed file);
    /// a weak ETag cannot be used and makes the download start over.
    /// </param>
    /// <param name="cancellationToken">Cancels the request and, later, nothing else: the stream's reads take their own token.</param>
    public async Task<DownloadStream> OpenDownloadAsync(Uri url, long resumeOffset, string? ifRange, CancellationToken cancellationToken = default)
    {
        CheckScheme(url);
        ArgumentOutOfRangeException.ThrowIfNegative(resumeOffset);
        cancellationToken.ThrowIfCancellationRequested();
        if (url.IsFile)
        {
            return OpenLocalDownload(url, resumeOffset, ifRange);
        }

        RangeConditionHeaderValue? condition = null;
        if (resumeOffset > 0 && ifRange is not null && !TryParseIfRange(ifRange, out condition))
        {
            resumeOffset = 0; // An unusable validator: a safe resume is impossible.
        }

        HttpResponseMessage response = await SendAsync(
            url,
            resumeOffset == 0 ? null : request =>
            {
                request.Headers.Range = new RangeHeaderValue(resumeOffset, null);
                request.Headers.IfRange = condition;
            },
            cancellationToken,
            bulk: true).ConfigureAwait(false);

        try
        {
            switch (response.StatusCode)
            {
                case HttpStatusCode.PartialContent when resumeOffset > 0:
                    return await PartialBodyAsync(url, response, resumeOffset, ifRange, cancellationToken).ConfigureAwait(false);

                case HttpStatusCode.RequestedRangeNotSatisfiable when resumeOffset > 0:
                    if (response.Content.Headers.ContentRange?.Length == resumeOffset)
                    {
                        // Everything was already there.
                        return new DownloadStream(url, Stream.Null, response, resumeOffset, 0, resumeOffset,
                            ValidatorOf(response) ?? ifRange, _options.ReadTimeout, isNetwork: true, _options.CreateLowSpeedMeter(), _rateLimiter,
                            ConnectionOf(response));
                    }

                    TransportLog.RangeNotSatisfiable(_logger, TransportException.Display(url), resumeOffset);
                    response.Dispose();
                    return await OpenDownloadAsync(url, 0, null, cancellationToken).ConfigureAwait(false);

                case HttpStatusCode.OK:
                    long? length = response.Content.Headers.ContentLength;
                    return new DownloadStream(url,
                        await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
                        response, 0, length, length, ValidatorOf(response), _options.ReadTimeout, isNetwork: true, _options.CreateLowSpeedMeter(), _rateLimiter,
                        ConnectionOf(response));

                default:
                    throw StatusError(url, response);
            }
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task<DownloadStream> PartialBodyAsync(Uri url, HttpResponseMessage response, long resumeOffset, string? ifRange, CancellationToken cancellationToken)
    {
        ContentRangeHeaderValue? range = response.Content.Headers.ContentRange;
        if (range is not { HasRange: true, From: long from, To: long to } || from != resumeOffset || to < from
            || (range.Length is long total && to >= total))
        {
            throw new TransportException(url, TransportError.Protocol,
                string.Create(CultureInfo.InvariantCulture,
                    $"HTTP 206 with Content-Range '{range}' does not answer 'bytes={resumeOffset}-'"))
            {
                StatusCode = 206,
            };
        }

        long count = to - from + 1;
        long? announced = response.Content.Headers.ContentLength;
        if (announced is long contentLength && contentLength != count)
        {
            throw new TransportException(url, TransportError.Protocol,
                string.Create(CultureInfo.InvariantCulture,
                    $"HTTP 206 Content-Length {contentLength} does not match Content-Range '{range}'"))
            {
                StatusCode = 206,
            };
        }

        return new DownloadStream(url,
            await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
            response, resumeOffset, count, range.Length, ValidatorOf(response) ?? ifRange, _options.ReadTimeout, isNetwork: true, _options.CreateLowSpeedMeter(), _rateLimiter,
                            ConnectionOf(response));
    }

    /// <summary>The bulk connection <paramref name="response"/> arrived on (the last one, after redirects).</summary>
    internal static BlockingSocketStream? ConnectionOf(HttpResponseMessage response) =>
        response.RequestMessage?.Options.TryGetValue(BlockingSocketStream.RequestOption, out BlockingSocketStream? connection) == true
            ? connection
            : null;

    private static bool TryParseIfRange(string validator, out RangeConditionHeaderValue? condition)
    {
        condition = null;
        if (validator.StartsWith('"'))
        {
            if (!EntityTagHeaderValue.TryParse(validator, out EntityTagHeaderValue? etag) || etag.IsWeak)
            {
                return false;
            }

            condition = new RangeConditionHeaderValue(etag);
            return true;
        }

        if (DateTimeOffset.TryParseExact(validator, "R", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset date))
        {
            condition = new RangeConditionHeaderValue(date);
            return true;
        }

        return false;
    }
}
