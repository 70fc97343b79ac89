using System.Security.Cryptography;
using SysUpdate.Core.Pipeline;

namespace SysUpdate.Core.Tests.Pipeline;

/// <summary>Checkpoints run beside the next window's writes, but one at a time, in order, and never outlive the copy.</summary>
public sealed class CheckpointedWriterTests : IDisposable
{
    private const long MiB = 1024 * 1024;

    private readonly string _dir = Directory.CreateTempSubdirectory("sysupdate-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task CopyAsync_SlowCheckpoints_RecordEachWholeWindowInOrderOneAtATime()
    {
        string path = Path.Combine(_dir, "slot.img");
        byte[] payload = RandomNumberGenerator.GetBytes((int)(5 * MiB) + 777);
        var recorded = new List<long>();
        int running = 0, mostAtOnce = 0;

        long length;
        using (var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite))
        {
            length = await CheckpointedWriter.CopyAsync(new MemoryStream(payload), handle, null, 0, 8 * MiB, 0, MiB, path, null,
                async (bytes, _) =>
                {
                    mostAtOnce = Math.Max(mostAtOnce, Interlocked.Increment(ref running));
                    await Task.Delay(30);
                    lock (recorded)
                        recorded.Add(bytes);
                    Interlocked.Decrement(ref running);
                }, CancellationToken.None);
        }

        Assert.Equal(payload.Length, length);
        Assert.Equal([MiB, 2 * MiB, 3 * MiB, 4 * MiB, 5 * MiB], recorded);
        Assert.Equal(1, mostAtOnce);
        Assert.True(File.ReadAllBytes(path).AsSpan().SequenceEqual(payload));
    }

    [Fact]
    public async Task CopyAsync_SourceFailsWhileACheckpointRuns_ThrowsOnlyAfterTheCheckpointFinished()
    {
        string path = Path.Combine(_dir, "slot.img");
        byte[] window = RandomNumberGenerator.GetBytes((int)MiB);
        bool checkpointFinished = false;
        var failing = new FailingAfterStream(window);

        using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
        var error = await Assert.ThrowsAsync<IOException>(() => CheckpointedWriter.CopyAsync(failing, handle, null, 0, 8 * MiB, 0, MiB, path, null,
            async (bytes, _) =>
            {
                await Task.Delay(300);
                Volatile.Write(ref checkpointFinished, true);
            }, CancellationToken.None));

        Assert.Same(failing.Failure, error);
        Assert.True(Volatile.Read(ref checkpointFinished), "the copy failed while its checkpoint still ran");
    }

    /// <summary>Returns <paramref name="data"/>, then fails the next read: a connection that broke after one window.</summary>
    private sealed class FailingAfterStream(byte[] data) : Stream
    {
        private int _position;

        public IOException Failure { get; } = new("connection reset");

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position == data.Length)
                throw Failure;
            int n = Math.Min(count, data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer.AsSpan(offset, n));
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
