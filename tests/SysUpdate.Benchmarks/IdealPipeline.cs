using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Compression;
using SysUpdate.Core.Disk;
using SysUpdate.Core.Native;
using SysUpdate.Core.Pipeline;
using SysUpdate.Core.Transport;

namespace SysUpdate.Benchmarks;

/// <summary>
/// A yardstick, not the product's code: the stages of an update — receive, SHA-256, decode, <c>O_DIRECT</c> write — each on
/// its own dedicated thread, handing whole 1 MiB buffers to the next through bounded queues, with nothing else to do (no
/// planning, checkpoints, read-back or progress). Its time is what this machine allows when the stages run side by side,
/// so the end-to-end figure can be read against it as well as against the slowest stage alone.
/// </summary>
internal static class IdealPipeline
{
    private const int BufferSize = 1024 * 1024;
    private const int BuffersPerStage = 8;

    /// <summary>Downloads <paramref name="url"/>, hashes it, decodes it when <paramref name="format"/> says so and writes
    /// the image at <paramref name="offset"/> of <paramref name="image"/>, then fsyncs.</summary>
    /// <returns>The time taken and the SHA-256 of the published bytes.</returns>
    public static (TimeSpan Time, string Sha256, long Written) Run(Uri url, CompressionFormat format, string image, long offset)
    {
        bool raw = format == CompressionFormat.None;
        using var cancel = new CancellationTokenSource();
        var failures = new ConcurrentQueue<ExceptionDispatchInfo>();
        using var published = new BufferPool(cancel.Token); // filled by the receiver
        using var decodedPool = new BufferPool(cancel.Token); // filled by the decoder (compressed payloads only)
        using var received = new BlockingCollection<(AlignedBuffer Buffer, int Length)>(BuffersPerStage);
        using var hashed = new BlockingCollection<(AlignedBuffer Buffer, int Length)>(BuffersPerStage);
        using var decoded = new BlockingCollection<(AlignedBuffer Buffer, int Length)>(BuffersPerStage);
        var toWrite = raw ? hashed : decoded;
        var writtenBack = raw ? published : decodedPool;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long written = 0;
        var stopwatch = Stopwatch.StartNew();
        // Received as the product receives a payload body: a blocking socket read on its own thread.
        using var http = new HttpClient(new SocketsHttpHandler { ConnectCallback = BlockingSocketConnector.ConnectAsync });
        using var response = http.Send(new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var body = response.Content.ReadAsStream();
        using var handle = File.OpenHandle(image, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        using var direct = LibC.TryOpen(image, DiskInterop.O_RDWR | DiskInterop.O_DIRECT, 0, out _)
            ?? throw new BenchmarkSetupException($"{image}: O_DIRECT refused");

        List<Thread> threads =
        [
            Stage("receive", received, () => Produce(body, published, received)),
            Stage("SHA-256", hashed, () =>
            {
                foreach (var item in received.GetConsumingEnumerable(cancel.Token))
                {
                    sha.AppendData(item.Buffer.Memory.Span[..item.Length]);
                    hashed.Add(item, cancel.Token); // the same buffer goes on: no copy
                }
            }),
            Stage("write", null, () =>
            {
                foreach (var (buffer, n) in toWrite.GetConsumingEnumerable(cancel.Token))
                {
                    int aligned = n - (n % BoundedWriter.DirectAlignment);
                    RandomAccess.Write(direct, buffer.Memory.Span[..aligned], offset + written);
                    if (aligned < n)
                        RandomAccess.Write(handle, buffer.Memory.Span[aligned..n], offset + written + aligned);
                    written += n;
                    writtenBack.Give(buffer);
                }
                RandomAccess.FlushToDisk(handle);
                RandomAccess.FlushToDisk(direct);
            }),
        ];
        if (!raw)
        {
            threads.Add(Stage("decode", decoded, () =>
            {
                using var input = Decompressor.OpenRead(new QueueReadStream(hashed, published, cancel.Token), format, leaveOpen: false);
                Produce(input, decodedPool, decoded);
            }));
        }
        foreach (var thread in threads)
            thread.Start();
        foreach (var thread in threads)
            thread.Join();
        var elapsed = stopwatch.Elapsed;
        if (failures.TryDequeue(out var failure))
            failure.Throw();
        return (elapsed, Convert.ToHexStringLower(sha.GetHashAndReset()), written);

        // Fills whole buffers from the source and passes them on, until the source ends.
        void Produce(Stream source, BufferPool pool, BlockingCollection<(AlignedBuffer, int)> output)
        {
            while (true)
            {
                var buffer = pool.Take();
                int n = source.ReadAtLeast(buffer.Memory.Span, BufferSize, throwOnEndOfStream: false);
                if (n == 0)
                    return;
                output.Add((buffer, n), cancel.Token);
            }
        }

        // A stage's thread: when it ends or fails it closes its output; a failure stops every other stage.
        Thread Stage(string name, BlockingCollection<(AlignedBuffer, int)>? output, Action work) => new(() =>
        {
            try
            {
                work();
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                failures.Enqueue(ExceptionDispatchInfo.Capture(new BenchmarkSetupException($"ideal pipeline, {name}: {ex.Message}")));
                cancel.Cancel();
            }
            finally
            {
                output?.CompleteAdding();
            }
        }) { Name = name, IsBackground = true };
    }

    /// <summary>A stage's own aligned buffers: taken to be filled, given back once the last stage is done with them.</summary>
    private sealed class BufferPool : IDisposable
    {
        private readonly List<AlignedBuffer> _all = [];
        private readonly BlockingCollection<AlignedBuffer> _free = [];
        private readonly CancellationToken _cancel;

        public BufferPool(CancellationToken cancel)
        {
            _cancel = cancel;
            for (int i = 0; i < BuffersPerStage; i++)
            {
                var buffer = new AlignedBuffer(BufferSize, BoundedWriter.DirectAlignment);
                _all.Add(buffer);
                _free.Add(buffer);
            }
        }

        public AlignedBuffer Take() => _free.Take(_cancel);

        public void Give(AlignedBuffer buffer) => _free.Add(buffer, _cancel);

        public void Dispose()
        {
            foreach (var buffer in _all)
                ((IDisposable)buffer).Dispose();
            _free.Dispose();
        }
    }

    /// <summary>The decode stage's input: the hashed buffers in order, each given back to the receiver once read.</summary>
    private sealed class QueueReadStream(BlockingCollection<(AlignedBuffer Buffer, int Length)> hashed, BufferPool published, CancellationToken cancel) : Stream
    {
        private AlignedBuffer? _current;
        private int _length;
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_current is null || _position == _length)
            {
                if (_current is not null)
                    published.Give(_current);
                _current = null;
                if (!hashed.TryTake(out var next, Timeout.Infinite, cancel))
                    return 0;
                (_current, _length) = next;
                _position = 0;
            }
            int n = Math.Min(buffer.Length, _length - _position);
            _current.Memory.Span.Slice(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
