using System.IO.Pipelines;

namespace SysUpdate.Varlink.Protocol;

/// <summary>The byte transport under a <see cref="VarlinkConnection"/>: a socket, or pipes in tests.</summary>
internal interface IVarlinkTransport : IAsyncDisposable
{
    PipeReader Input { get; }

    PipeWriter Output { get; }

    /// <summary>The peer's credentials, when the transport knows them (Unix sockets: SO_PEERCRED).</summary>
    VarlinkPeerCredentials? PeerCredentials { get; }

    /// <summary>A pidfd for the peer, taken when the connection was accepted (Unix sockets); owned by the transport.</summary>
    VarlinkPeerProcess? PeerProcess => null;
}
