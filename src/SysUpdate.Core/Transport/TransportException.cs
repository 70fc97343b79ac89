namespace SysUpdate.Core.Transport;

/// <summary>
/// A download failed. The message is one line: <c>"&lt;url&gt;: &lt;what happened&gt;"</c>, the URL
/// without user name or password.
/// </summary>
internal sealed class TransportException : SysUpdateException
{
    public TransportException(Uri url, TransportError error, string detail, Exception? innerException = null)
        : base(Display(url) + ": " + detail, innerException)
    {
        Url = url;
        Error = error;
        Detail = detail;
    }

    /// <summary>The message without the URL.</summary>
    public string Detail { get; }

    /// <summary>The URL that was requested (before redirects).</summary>
    public Uri Url { get; }

    public TransportError Error { get; }

    /// <summary>The HTTP status, for <see cref="TransportError.HttpStatus"/> and <see cref="TransportError.Redirect"/>.</summary>
    public int? StatusCode { get; init; }

    /// <summary>True when trying again later may succeed (used by the retry policy).</summary>
    public bool IsTransient { get; init; }

    /// <summary>The URL as shown in messages: user info removed.</summary>
    public static string Display(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || string.IsNullOrEmpty(url.UserInfo))
        {
            return url.ToString();
        }

        var builder = new UriBuilder(url) { UserName = string.Empty, Password = string.Empty };
        return builder.Uri.ToString();
    }
}
