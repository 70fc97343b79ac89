using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace SysUpdate.Core.Transport;

/// <summary>
/// Fetches manifests and payloads from <c>http://</c>, <c>https://</c> and <c>file://</c> URLs.
/// HTTP clients come from <see cref="IHttpClientFactory"/> (the named client registered by
/// <see cref="TransportServiceCollectionExtensions.AddSysUpdateTransport"/>); establishing a
/// response is retried with exponential backoff and jitter for transient failures (connection
/// errors, timeouts, 408, 429, 5xx), never for other 4xx. Failures of the body after the headers
/// are not retried here: they surface as <see cref="TransportException"/> so the caller can resume.
/// </summary>
internal sealed partial class TransportClient
{
    /// <summary>Name of the <see cref="HttpClient"/> this class asks the factory for.</summary>
    public const string HttpClientName = "SysUpdate.Transport";

    /// <summary>Name of the client for payload bodies (<see cref="OpenDownloadAsync"/>).</summary>
    public const string BulkHttpClientName = "SysUpdate.Transport.Bulk";

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TransportOptions _options;
    private readonly ConditionalGetCache? _cache;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;
    private readonly DownloadRateLimiter? _rateLimiter;

    /// <param name="httpClientFactory">Source of the named client <see cref="HttpClientName"/>.</param>
    /// <param name="options">Timeouts and retry limits (must match those the client was registered with).</param>
    /// <param name="cacheDirectory">Where small files are kept for conditional GETs; null disables.</param>
    /// <param name="logger">Receives retry warnings.</param>
    /// <param name="time">The clock of <see cref="TransportOptions.RateLimit"/>; the system's when null.</param>
    public TransportClient(
        IHttpClientFactory httpClientFactory,
        TransportOptions options,
        string? cacheDirectory = null,
        ILogger<TransportClient>? logger = null,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(options);
        _httpClientFactory = httpClientFactory;
        _options = options;
        _cache = cacheDirectory is null ? null : new ConditionalGetCache(cacheDirectory);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _retry = BuildRetryPipeline();
        _rateLimiter = DownloadRateLimiter.For(options.RateLimit, time ?? TimeProvider.System);
    }

    public TransportOptions Options => _options;

    private ResiliencePipeline<HttpResponseMessage> BuildRetryPipeline()
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (_options.RetryCount == 0)
        {
            return builder.Build();
        }

        return builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = _options.RetryCount,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = _options.RetryBaseDelay,
            MaxDelay = _options.RetryMaxDelay,
            ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome)),
            DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome)),
            OnRetry = args =>
            {
                string reason = args.Outcome.Exception is { } ex
                    ? ex.Message
                    : string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)args.Outcome.Result!.StatusCode}");
                Uri? url = args.Outcome.Result?.RequestMessage?.RequestUri ?? (args.Outcome.Exception as TransportException)?.Url;
                TransportLog.Retrying(_logger, url is null ? "?" : TransportException.Display(url), args.AttemptNumber + 1, _options.RetryCount, args.RetryDelay, reason);
                args.Outcome.Result?.Dispose();
                return ValueTask.CompletedTask;
            },
        }).Build();
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Exception is not null)
        {
            return outcome.Exception is TransportException { IsTransient: true };
        }

        return IsTransientStatus(outcome.Result!.StatusCode);
    }

    private static bool IsTransientStatus(HttpStatusCode status) => (int)status switch
    {
        408 or 429 => true,
        501 or 505 => false,
        >= 500 and <= 599 => true,
        _ => false,
    };

    private TimeSpan? RetryAfter(Outcome<HttpResponseMessage> outcome)
    {
        RetryConditionHeaderValue? retryAfter = outcome.Result?.Headers.RetryAfter;
        TimeSpan? delay = retryAfter?.Delta
            ?? (retryAfter?.Date is DateTimeOffset date ? date - DateTimeOffset.UtcNow : null);
        if (delay is not TimeSpan wait || wait <= TimeSpan.Zero)
        {
            return null; // Polly's own exponential backoff with jitter.
        }

        return wait > _options.RetryMaxDelay ? _options.RetryMaxDelay : wait;
    }

    /// <summary>
    /// Sends a GET (with retries) and returns the response once its headers arrived. Redirects are
    /// followed by the handler; a 3xx left over means too many redirects or a refused one.
    /// </summary>
    /// <param name="bulk">A payload body: sent on a connection of its own (<see cref="BulkHttpClientName"/>,
    /// <c>Connection: close</c>) whose reads wait in the kernel; see <see cref="BlockingSocketStream"/>.</param>
    private async Task<HttpResponseMessage> SendAsync(Uri url, Action<HttpRequestMessage>? configure, CancellationToken cancellationToken,
        bool bulk = false)
    {
        var attempt = new AttemptState(this, url, configure, bulk);
        HttpResponseMessage response;
        try
        {
            response = await _retry.ExecuteAsync(
                static (state, token) => state.Client.SendOnceAsync(state, token),
                attempt,
                cancellationToken).ConfigureAwait(false);
        }
        catch (TransportException ex) when (attempt.Attempts > 1)
        {
            throw new TransportException(url, ex.Error, ex.Detail + GaveUp(attempt.Attempts), ex.InnerException)
            {
                IsTransient = ex.IsTransient,
                StatusCode = ex.StatusCode,
            };
        }

        if (IsTransientStatus(response.StatusCode))
        {
            using (response)
            {
                throw StatusError(url, response, attempt.Attempts > 1 ? GaveUp(attempt.Attempts) : string.Empty);
            }
        }

        if (IsRedirect(response.StatusCode))
        {
            using (response)
            {
                throw RedirectError(url, response);
            }
        }

        return response;
    }

    private async ValueTask<HttpResponseMessage> SendOnceAsync(AttemptState state, CancellationToken cancellationToken)
    {
        state.Attempts++;
        using var request = new HttpRequestMessage(HttpMethod.Get, state.Url);
        state.Configure?.Invoke(request);
        if (state.Bulk)
            request.Headers.ConnectionClose = true; // never pooled: a BlockingSocketStream must not wait for a response nobody asked for

        HttpClient client = _httpClientFactory.CreateClient(state.Bulk ? BulkHttpClientName : HttpClientName);
        using var headerTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        headerTimeout.CancelAfter(_options.ReadTimeout);
        try
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headerTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            string detail = ex.InnerException is TimeoutException && !headerTimeout.IsCancellationRequested
                ? string.Create(CultureInfo.InvariantCulture, $"could not connect within {_options.ConnectTimeout.TotalSeconds:0.###} s")
                : string.Create(CultureInfo.InvariantCulture, $"no response within {_options.ReadTimeout.TotalSeconds:0.###} s");
            throw new TransportException(state.Url, TransportError.Timeout, detail, ex) { IsTransient = true };
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            bool transient = ex.HttpRequestError is not (HttpRequestError.SecureConnectionError
                or HttpRequestError.UserAuthenticationError or HttpRequestError.ConfigurationLimitExceeded
                or HttpRequestError.VersionNegotiationError or HttpRequestError.InvalidResponse
                or HttpRequestError.ProxyTunnelError);
            throw new TransportException(state.Url, TransportError.Network, DownloadStream.OneLine(ex.Message), ex)
            {
                IsTransient = transient,
            };
        }
    }

    private static string GaveUp(int attempts) =>
        string.Create(CultureInfo.InvariantCulture, $" (gave up after {attempts} attempts)");


    private static bool IsRedirect(HttpStatusCode status) => (int)status is 300 or 301 or 302 or 303 or 307 or 308;

    private TransportException RedirectError(Uri url, HttpResponseMessage response)
    {
        Uri? from = response.RequestMessage?.RequestUri;
        Uri? location = response.Headers.Location;
        if (location is not null && from is not null && !location.IsAbsoluteUri)
        {
            location = new Uri(from, location);
        }

        string detail;
        if (location is null)
        {
            detail = string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} redirect without a Location header");
        }
        else if (from?.Scheme == Uri.UriSchemeHttps && location.Scheme == Uri.UriSchemeHttp)
        {
            detail = $"redirect from HTTPS to {TransportException.Display(location)} refused";
        }
        else if (location.Scheme != Uri.UriSchemeHttp && location.Scheme != Uri.UriSchemeHttps)
        {
            detail = $"redirect to unsupported URL {TransportException.Display(location)}";
        }
        else
        {
            detail = string.Create(CultureInfo.InvariantCulture,
                $"too many redirects (more than {_options.MaxRedirects}, last to {TransportException.Display(location)}); is there a redirect loop?");
        }

        return new TransportException(url, TransportError.Redirect, detail) { StatusCode = (int)response.StatusCode };
    }

    /// <summary>The error for a final, unwanted status: "HTTP 404 Not Found" plus advice.</summary>
    private static TransportException StatusError(Uri url, HttpResponseMessage response, string suffix = "")
    {
        int code = (int)response.StatusCode;
        string reason = response.ReasonPhrase is { Length: > 0 } phrase ? " " + DownloadStream.OneLine(phrase) : string.Empty;
        string advice = code switch
        {
            404 or 410 => "; check the URL (Path= and MatchPattern=) of the transfer",
            401 or 403 => "; the server refused access",
            _ => string.Empty,
        };
        return new TransportException(url, TransportError.HttpStatus,
            string.Create(CultureInfo.InvariantCulture, $"HTTP {code}{reason}{advice}{suffix}"))
        {
            StatusCode = code,
            IsTransient = IsTransientStatus(response.StatusCode),
        };
    }

    private static void CheckScheme(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri)
        {
            throw new ArgumentException("The URL must be absolute.", nameof(url));
        }

        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeFile)
        {
            throw new TransportException(url, TransportError.UnsupportedScheme,
                $"unsupported URL scheme '{url.Scheme}' (use http://, https:// or file://)");
        }
    }

    private static string? ValidatorOf(HttpResponseMessage response)
    {
        EntityTagHeaderValue? etag = response.Headers.ETag;
        if (etag is { IsWeak: false })
        {
            return etag.Tag;
        }

        return response.Content.Headers.LastModified?.ToString("R", CultureInfo.InvariantCulture);
    }

    private sealed class AttemptState(TransportClient client, Uri url, Action<HttpRequestMessage>? configure, bool bulk)
    {
        public TransportClient Client { get; } = client;

        public bool Bulk { get; } = bulk;

        public Uri Url { get; } = url;

        public Action<HttpRequestMessage>? Configure { get; } = configure;

        public int Attempts { get; set; }
    }
}
