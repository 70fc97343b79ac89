using System.IO.Pipelines;

namespace SysUpdate.Varlink.Protocol;

/// <summary>An in-memory transport: one end of two crossed <see cref="Pipe"/>s. For tests and in-process use.</summary>
internal sealed class PipeTransport : IVarlinkTransport
{
    private PipeTransport(PipeReader input, PipeWriter output, VarlinkPeerCredentials? peerCredentials)
    {
        Input = input;
        Output = output;
        PeerCredentials = peerCredentials;
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public VarlinkPeerCredentials? PeerCredentials { get; }

    /// <summary>Two connected ends; each end reports <paramref name="credentials"/> as its peer.</summary>
    public static (PipeTransport First, PipeTransport Second) CreatePair(VarlinkPeerCredentials? credentials = null)
    {
        var forward = new Pipe();
        var backward = new Pipe();
        return (new PipeTransport(backward.Reader, forward.Writer, credentials), new PipeTransport(forward.Reader, backward.Writer, credentials));
    }

    public async ValueTask DisposeAsync()
    {
        await Input.CompleteAsync().ConfigureAwait(false);
        await Output.CompleteAsync().ConfigureAwait(false);
    }
}
