using System.IO.Pipelines;
using System.Net.Sockets;

namespace SysUpdate.Varlink.Protocol;

/// <summary>A connected stream socket (normally AF_UNIX) as a Varlink transport. Owns the socket.</summary>
internal sealed class SocketTransport : IVarlinkTransport
{
    /// <summary>
    /// The most one read adds to the input buffer (its segment size). Small, so a peer's buffered bytes are
    /// accounted closely; with zero-byte reads an idle connection holds no buffer at all.
    /// </summary>
    public const int ReadBufferSize = 16 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    public SocketTransport(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: ReadBufferSize, minimumReadSize: ReadBufferSize / 4, leaveOpen: true, useZeroByteReads: true));
        Output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        PeerCredentials = VarlinkPeerCredentials.TryGet(socket);
        PeerProcess = PeerCredentials is { } credentials ? VarlinkPeerProcess.TryOpen(socket, credentials) : null;
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public VarlinkPeerCredentials? PeerCredentials { get; }

    public VarlinkPeerProcess? PeerProcess { get; }

    public async ValueTask DisposeAsync()
    {
        await Input.CompleteAsync().ConfigureAwait(false);
        try
        {
            await Output.CompleteAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The peer is gone; unsent bytes have nowhere to go.
        }
        catch (ObjectDisposedException)
        {
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
        PeerProcess?.Dispose();
    }
}
