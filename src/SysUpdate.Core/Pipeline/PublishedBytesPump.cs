using System.IO.Pipelines;
using System.Runtime.ExceptionServices;

namespace SysUpdate.Core.Pipeline;

/// <summary>
/// The first stage of the data path on its own thread: reads the published stream (download + SHA-256)
/// into a bounded <see cref="Pipe"/> that the decoder reads from. Backpressure pauses reading when
/// the pipe holds <c>bufferBytes</c>; a failure while reading surfaces to the decoder as the same
/// exception (so a broken connection is still a <c>TransportException</c>), but only after every byte
/// that arrived before it (an interrupted download keeps them and resumes after them).
/// </summary>
internal sealed class PublishedBytesPump : IAsyncDisposable
{
    private const int ChunkSize = 256 * 1024;

    private readonly Pipe _pipe;
    private readonly Task _task;
    private readonly CancellationTokenSource _cancel;
    private ExceptionDispatchInfo? _failure;

    public PublishedBytesPump(Stream source, int bufferBytes, CancellationToken cancellationToken)
    {
        _pipe = new Pipe(new PipeOptions(
            pauseWriterThreshold: bufferBytes,
            resumeWriterThreshold: bufferBytes / 2,
            minimumSegmentSize: ChunkSize,
            useSynchronizationContext: false));
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Output = new FailAtEndStream(_pipe.Reader.AsStream(leaveOpen: true), this);
        _task = Task.Factory.StartNew(() => Pump(source, _pipe.Writer, _cancel.Token), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The published bytes, in order, as they arrive.</summary>
    public Stream Output { get; }

    /// <summary>Completes when the whole published stream has been read (and hashed).</summary>
    public Task CompletionAsync() => _task;

    /// <summary>
    /// Runs on a thread of its own: a payload body's reads wait in the kernel (<c>BlockingSocketStream</c>)
    /// and complete synchronously, which must not hold a thread-pool thread for the whole download; an
    /// asynchronous source (a local file) is simply waited for.
    /// </summary>
    private void Pump(Stream source, PipeWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(ChunkSize);
                int n = Wait(source.ReadAsync(memory, cancellationToken));
                if (n == 0)
                    break;
                writer.Advance(n);
                if (Wait(writer.FlushAsync(cancellationToken)).IsCompleted)
                    break; // the reader is gone
            }
            writer.Complete();
        }
        catch (Exception ex)
        {
            // Completing the pipe with the exception would drop the bytes still in it: complete it
            // normally and let the reader throw once it has drained them.
            Volatile.Write(ref _failure, ExceptionDispatchInfo.Capture(ex));
            writer.Complete();
            throw;
        }
    }

    private static T Wait<T>(ValueTask<T> pending) => pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

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

    /// <summary>The pipe's bytes, then the pump's failure (if any) instead of the end of the stream.</summary>
    private sealed class FailAtEndStream(Stream inner, PublishedBytesPump pump) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Checked(inner.Read(buffer, offset, count), count);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Checked(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false), buffer.Length);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }

        private int Checked(int read, int asked)
        {
            if (read == 0 && asked > 0)
                Volatile.Read(ref pump._failure)?.Throw();
            return read;
        }
    }
}
