using System.Threading.Channels;
using SysUpdate.Core.Pipeline;

namespace SysUpdate.Cli.Varlink;

/// <summary>
/// Collects the engine's progress events (reported on whatever thread runs the transfer) for the
/// handler that turns them into <c>continues</c> replies.
/// </summary>
internal sealed class VarlinkProgressQueue : IProgress<TransferProgress>
{
    private readonly Channel<TransferProgress> _events = Channel.CreateUnbounded<TransferProgress>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<TransferProgress> Reader => _events.Reader;

    public void Report(TransferProgress value) => _events.Writer.TryWrite(value);

    public void Complete() => _events.Writer.TryComplete();
}
