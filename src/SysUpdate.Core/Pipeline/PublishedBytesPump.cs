using System.IO.Pipelines;

namespace SysUpdate.Core.Pipeline;

/// <summary>
/// The first stage of the data path on its own task: reads the published stream (download + SHA-256)
/// into a bounded <see cref="Pipe"/> that the decoder reads from. Backpressure pauses reading when
/// the pipe holds <c>bufferBytes</c>; a failure while reading surfaces to the decoder as the same
/// exception (so a broken connection is still a <c>TransportException</c>).
/// </summary>
internal sealed class PublishedBytesPump : IAsyncDisposable
{
    private const int ChunkSize = 256 * 1024;

    private readonly Pipe _pipe;
    private readonly Task _task;
    private readonly CancellationTokenSource _cancel;

    public PublishedBytesPump(Stream source, int bufferBytes, CancellationToken cancellationToken)
    {
        _pipe = new Pipe(new PipeOptions(
            pauseWriterThreshold: bufferBytes,
            resumeWriterThreshold: bufferBytes / 2,
            minimumSegmentSize: ChunkSize,
            useSynchronizationContext: false));
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Output = _pipe.Reader.AsStream(leaveOpen: true);
        _task = Task.Run(() => PumpAsync(source, _pipe.Writer, _cancel.Token), CancellationToken.None);
    }

    /// <summary>The published bytes, in order, as they arrive.</summary>
    public Stream Output { get; }

    /// <summary>Completes when the whole published stream has been read (and hashed).</summary>
    public Task CompletionAsync() => _task;

    private static async Task PumpAsync(Stream source, PipeWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(ChunkSize);
                int n = await source.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                    break;
                writer.Advance(n);
                var flush = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (flush.IsCompleted)
                    break; // the reader is gone
            }
            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await writer.CompleteAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cancel.CancelAsync().ConfigureAwait(false);
        await _pipe.Reader.CompleteAsync().ConfigureAwait(false);
        try
        {
            await _task.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Already surfaced to the reader, or the result of our own cancellation.
        }
        _cancel.Dispose();
    }
}
