using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;

namespace SysUpdate.Varlink.Protocol;

/// <summary>
/// One Varlink connection: reads NUL-terminated JSON messages from the transport, and writes frames
/// through a single writer loop fed by a bounded channel, so concurrent senders never interleave bytes.
/// Reading is single-consumer: only one <see cref="ReadMessageAsync"/> may be pending.
/// </summary>
internal sealed class VarlinkConnection : IAsyncDisposable
{
    private const int OutputQueueCapacity = 64;
    private static readonly TimeSpan DisposeFlushTimeout = TimeSpan.FromSeconds(5);

    private readonly IVarlinkTransport _transport;
    private readonly int _maxMessageSize;
    private readonly Channel<byte[]> _output;
    private readonly CancellationTokenSource _closed = new();
    private readonly Task _writeLoop;
    private readonly VarlinkBufferBudget? _budget;
    private long _charged;
    private int _state = (int)VarlinkConnectionState.Open;
    private string? _closeReason;
    private long _scanned;
    private bool _disposed;

    /// <param name="transport">The byte transport; owned from now on.</param>
    /// <param name="maxMessageSize">Largest message accepted from the peer.</param>
    /// <param name="budget">
    /// When given, the bytes of an incomplete message are reserved from it before each further read, and
    /// reading waits while it is exhausted; released when the message completes or the connection ends.
    /// </param>
    public VarlinkConnection(IVarlinkTransport transport, int maxMessageSize = VarlinkFrameReader.DefaultMaxFrameSize, VarlinkBufferBudget? budget = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageSize);
        if (budget is not null)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan((long)maxMessageSize + SocketTransport.ReadBufferSize, budget.Capacity, nameof(maxMessageSize));
        }

        _transport = transport;
        _maxMessageSize = maxMessageSize;
        _budget = budget;
        _output = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(OutputQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writeLoop = Task.Run(WriteLoopAsync);
    }

    public VarlinkConnectionState State => (VarlinkConnectionState)Volatile.Read(ref _state);

    /// <summary>Why the connection was closed; set once, by the first <see cref="Close"/>.</summary>
    public string? CloseReason => Volatile.Read(ref _closeReason);

    /// <summary>Cancelled when the connection closes (peer gone, protocol error, write failure, dispose).</summary>
    public CancellationToken Closed => _closed.Token;

    public VarlinkPeerCredentials? PeerCredentials => _transport.PeerCredentials;

    /// <summary>The peer's pidfd, when the transport took one; closed with the transport.</summary>
    public VarlinkPeerProcess? PeerProcess => _transport.PeerProcess;

    /// <summary>Largest message accepted from the peer.</summary>
    public int MaxMessageSize => _maxMessageSize;

    /// <summary>
    /// Reads the next message. Returns <see langword="null"/> when the peer closed the connection
    /// cleanly between messages.
    /// </summary>
    /// <param name="partialMessageTimeout">How long the peer may stay silent after sending part of a
    /// message; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <exception cref="VarlinkProtocolException">Malformed JSON, an oversized message, a message cut off by
    /// the end of the stream, or silence in the middle of a message.</exception>
    public async ValueTask<JsonElement?> ReadMessageAsync(TimeSpan partialMessageTimeout, CancellationToken cancellationToken = default) =>
        (await ReadFrameAsync(partialMessageTimeout, cancellationToken).ConfigureAwait(false))?.Message;

    /// <summary>
    /// <see cref="ReadMessageAsync"/>, with the size of the frame the message came in (what its parsed form
    /// roughly costs while it waits to be handled).
    /// </summary>
    public async ValueTask<(JsonElement Message, long Size)?> ReadFrameAsync(TimeSpan partialMessageTimeout, CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        PipeReader input = _transport.Input;
        bool partial = false;
        long buffered = 0;
        while (true)
        {
            ReadResult result;
            bool waitingForBudget = false;
            try
            {
                if (partial && partialMessageTimeout != Timeout.InfiniteTimeSpan)
                {
                    linked.CancelAfter(partialMessageTimeout);
                }

                if (partial && _budget is not null)
                {
                    waitingForBudget = true;
                    await ChargeAsync(buffered + SocketTransport.ReadBufferSize, linked.Token).ConfigureAwait(false);
                    waitingForBudget = false;
                }

                result = await input.ReadAsync(linked.Token).ConfigureAwait(false);
                linked.CancelAfter(Timeout.InfiniteTimeSpan);
            }
            catch (OperationCanceledException) when (partial && !cancellationToken.IsCancellationRequested && !_closed.IsCancellationRequested)
            {
                throw new VarlinkProtocolException(waitingForBudget
                    ? $"Peer's partial message waited {partialMessageTimeout.TotalSeconds:0.###}s for buffer space held by other connections"
                    : $"Peer sent a partial message and then nothing for {partialMessageTimeout.TotalSeconds:0.###}s");
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                if (_closed.IsCancellationRequested)
                {
                    throw new OperationCanceledException(_closed.Token);
                }

                throw new VarlinkProtocolException("Connection failed while reading", e);
            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            if (VarlinkFrameReader.TryReadFrame(buffer, _maxMessageSize, ref _scanned, out ReadOnlySequence<byte> frame, out SequencePosition next))
            {
                Uncharge();
                JsonElement message;
                try
                {
                    using JsonDocument document = JsonDocument.Parse(frame);
                    message = document.RootElement.Clone();
                }
                catch (JsonException e)
                {
                    input.AdvanceTo(next);
                    throw new VarlinkProtocolException("Peer sent a message that is not valid JSON", e);
                }

                input.AdvanceTo(next);
                return (message, frame.Length);
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                long length = buffer.Length;
                input.AdvanceTo(buffer.End);
                if (length == 0 && result.IsCompleted)
                {
                    return null;
                }

                if (result.IsCanceled)
                {
                    throw new OperationCanceledException(linked.Token);
                }

                throw new VarlinkProtocolException("Connection closed in the middle of a message");
            }

            partial = buffer.Length > 0;
            buffered = buffer.Length;
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Queues one complete frame (JSON followed by NUL) for writing.</summary>
    /// <exception cref="VarlinkProtocolException">The connection is closed.</exception>
    public async ValueTask SendAsync(byte[] frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        try
        {
            await _output.Writer.WriteAsync(frame, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new VarlinkProtocolException($"Connection closed: {CloseReason}");
        }
        catch (ChannelClosedException)
        {
            throw new VarlinkProtocolException($"Connection closed: {CloseReason ?? "disposed"}");
        }
    }

    /// <summary>Closes the connection now: pending writes are dropped, pending reads end.</summary>
    public void Close(string reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is null)
        {
            Volatile.Write(ref _state, (int)VarlinkConnectionState.Closed);
            _output.Writer.TryComplete();
            _closed.Cancel();
        }
    }

    /// <summary>Flushes queued frames (for at most a few seconds), then closes and releases the transport.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _output.Writer.TryComplete();
        _closed.CancelAfter(DisposeFlushTimeout);
        await _writeLoop.ConfigureAwait(false);
        Close("disposed");
        await _transport.DisposeAsync().ConfigureAwait(false);
        Uncharge();
        _closed.Dispose();
    }

    /// <summary>Holds <paramref name="bytes"/> of the budget for the incomplete message (waiting for room).</summary>
    private async ValueTask ChargeAsync(long bytes, CancellationToken cancellationToken)
    {
        long more = bytes - _charged;
        if (more > 0)
        {
            await _budget!.ReserveAsync(more, cancellationToken).ConfigureAwait(false);
            _charged = bytes;
        }
    }

    private void Uncharge() => _budget?.Release(Interlocked.Exchange(ref _charged, 0));

    private async Task WriteLoopAsync()
    {
        ChannelReader<byte[]> reader = _output.Reader;
        PipeWriter output = _transport.Output;
        try
        {
            while (await reader.WaitToReadAsync(_closed.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out byte[]? frame))
                {
                    output.Write(frame);
                }

                FlushResult flush = await output.FlushAsync(_closed.Token).ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    Close("peer stopped reading");
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            Close($"write failed: {e.Message}");
        }
    }
}
