using System.IO.Pipelines;

namespace SysUpdate.Varlink.Protocol;

/// <summary>The byte transport under a <see cref="VarlinkConnection"/>: a socket, or pipes in tests.</summary>
internal interface IVarlinkTransport : IAsyncDisposable
{
    PipeReader Input { get; }

    PipeWriter Output { get; }

    /// <summary>The peer's credentials, when the transport knows them (Unix sockets: SO_PEERCRED).</summary>
    VarlinkPeerCredentials? PeerCredentials { get; }
}
