using SysUpdate.Varlink.Protocol;

namespace SysUpdate.Varlink.Server;

/// <summary>What a <see cref="VarlinkServer"/> reports about itself and the limits it enforces.</summary>
internal sealed class VarlinkServerOptions
{
    /// <summary><c>org.varlink.service.GetInfo</c> fields.</summary>
    public string Vendor { get; init; } = string.Empty;

    public string Product { get; init; } = string.Empty;

    public string Version { get; init; } = string.Empty;

    public string Url { get; init; } = string.Empty;

    /// <summary>
    /// Largest accepted message from root or the server's own user; a larger one is a protocol error and
    /// closes the connection.
    /// </summary>
    public int MaxMessageSize { get; init; } = VarlinkFrameReader.DefaultMaxFrameSize;

    /// <summary>
    /// Largest accepted message from any other peer (SO_PEERCRED uid neither 0 nor the server's). Calls of the
    /// served interfaces are a few hundred bytes; this keeps what one unprivileged connection can make the
    /// server buffer small.
    /// </summary>
    public int MaxUnprivilegedMessageSize { get; init; } = 256 * 1024;

    /// <summary>
    /// Bytes all connections together may make the server hold in incomplete messages and in calls read but
    /// not yet handled. A connection needing more stops being read until others release (or its partial
    /// message times out), so peers cannot grow memory beyond this with unterminated messages.
    /// Must hold one <see cref="MaxMessageSize"/> message.
    /// </summary>
    public long MaxBufferedBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Concurrent connections per peer uid (SO_PEERCRED); excess connections are closed at once.</summary>
    public int MaxConnectionsPerUid { get; init; } = 16;

    /// <summary>Concurrent connections in total; excess connections are closed at once.</summary>
    public int MaxConnections { get; init; } = 4096;

    /// <summary>
    /// How long a peer may stay silent after sending part of a message before it is disconnected.
    /// Silence between complete messages is not limited.
    /// </summary>
    public TimeSpan PartialMessageTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Calls read ahead of the one being handled (pipelining); reading pauses beyond that.</summary>
    public int MaxQueuedCallsPerConnection { get; init; } = 64;

    /// <summary>listen(2) backlog for sockets this server binds.</summary>
    public int ListenBacklog { get; init; } = 128;

    /// <summary>
    /// Receives diagnostics (rejected connections, protocol errors, handler failures). The assembly has no
    /// logging dependency; the host forwards these to its logger.
    /// </summary>
    public Action<VarlinkLogLevel, string, Exception?>? Log { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxMessageSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxUnprivilegedMessageSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBufferedBytes, (long)Math.Max(MaxMessageSize, MaxUnprivilegedMessageSize) + SocketTransport.ReadBufferSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxConnectionsPerUid);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxConnections);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxQueuedCallsPerConnection);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ListenBacklog);
        if (PartialMessageTimeout != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PartialMessageTimeout, TimeSpan.Zero);
        }
    }
}
