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

    /// <summary>Largest accepted message; a larger one is a protocol error and closes the connection.</summary>
    public int MaxMessageSize { get; init; } = VarlinkFrameReader.DefaultMaxFrameSize;

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
