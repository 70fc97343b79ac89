using System.Globalization;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// One line of <see cref="NginxServer"/>'s access log: what was asked for and what nginx sent.
/// <see cref="BodyBytesSent"/> is the response body only; <see cref="BytesSent"/> includes the headers.
/// A request whose client went away mid-response is logged with what was sent and
/// <see cref="Completed"/> false.
/// </summary>
internal sealed record NginxRequest(
    string Method, string Uri, int Status, long BodyBytesSent, long BytesSent, long Connection, long ConnectionRequest, bool Completed, string? Range)
{
    /// <summary>The URI without its query string.</summary>
    public string Path => Uri.Split('?', 2)[0];

    /// <summary>The <c>log_format</c> this record is parsed from: space-separated fields, the Range header last.</summary>
    public const string LogFormat =
        "'$request_method $request_uri $status $body_bytes_sent $bytes_sent $connection $connection_requests $request_completion $http_range'";

    public static NginxRequest Parse(string line)
    {
        string[] f = line.Split(' ');
        if (f.Length != 9)
            throw new FormatException($"not an access log line of {nameof(NginxServer)}: '{line}'");
        return new NginxRequest(
            f[0], f[1], int.Parse(f[2], CultureInfo.InvariantCulture), long.Parse(f[3], CultureInfo.InvariantCulture),
            long.Parse(f[4], CultureInfo.InvariantCulture), long.Parse(f[5], CultureInfo.InvariantCulture),
            long.Parse(f[6], CultureInfo.InvariantCulture), f[7] == "OK", f[8] == "-" ? null : f[8]);
    }
}
