namespace SysUpdate.Core.Tests.Transport;

/// <summary>What the <see cref="TestHttpServer"/> saw and sent for one request.</summary>
internal sealed class RequestRecord(string path, string? range, string? ifRange, string? ifNoneMatch, string? userAgent)
{
    private long _bytesSent;

    public string Path { get; } = path;

    public string? Range { get; } = range;

    public string? IfRange { get; } = ifRange;

    public string? IfNoneMatch { get; } = ifNoneMatch;

    public string? UserAgent { get; } = userAgent;

    /// <summary>The request's Connection header, if any.</summary>
    public string? Connection { get; init; }

    /// <summary>Kestrel's id of the TCP connection the request came on.</summary>
    public string ConnectionId { get; init; } = "";

    public int Status { get; set; }

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public void AddBytes(int count) => Interlocked.Add(ref _bytesSent, count);
}
