namespace SysUpdate.Core.Transport;

/// <summary>What went wrong with a fetch, for callers that react differently (resume, fall back).</summary>
internal enum TransportError
{
    /// <summary>The server answered with an error status (<see cref="TransportException.StatusCode"/>).</summary>
    HttpStatus,

    /// <summary>Too many redirects (a loop), or a redirect that is not followed (HTTPS to HTTP).</summary>
    Redirect,

    /// <summary>No connection, no response headers, or no body data within the configured time.</summary>
    Timeout,

    /// <summary>
    /// The body arrived slower than <see cref="TransportOptions.LowSpeedLimit"/> for
    /// <see cref="TransportOptions.LowSpeedTime"/> (a trickling server). Resumable.
    /// </summary>
    TooSlow,

    /// <summary>The body ended before its announced length: the connection was cut. Resumable.</summary>
    Truncated,

    /// <summary>The connection could not be made or broke before the response (refused, reset, DNS, TLS).</summary>
    Network,

    /// <summary>The body is larger than the caller allows.</summary>
    TooLarge,

    /// <summary>The server's answer does not make sense (wrong Content-Range, 304 without a cached copy).</summary>
    Protocol,

    /// <summary>A <c>file://</c> URL could not be read.</summary>
    LocalFile,

    /// <summary>The URL scheme is not http, https or file.</summary>
    UnsupportedScheme,
}
