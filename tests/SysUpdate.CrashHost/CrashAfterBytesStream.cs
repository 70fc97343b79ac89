namespace SysUpdate.CrashHost;

/// <summary>
/// For <see cref="Core.Faults.CrashStep.MidPayload"/>: passes reads through and calls <c>crash</c> at the first
/// read after <c>threshold</c> bytes have been handed out — by then the writer has written at least
/// everything but its current chunk.
/// </summary>
internal sealed class CrashAfterBytesStream(Stream inner, long threshold, Action crash) : Stream
{
    private long _passed;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _passed;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        CheckThreshold();
        int n = inner.Read(buffer);
        _passed += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        CheckThreshold();
        int n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _passed += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void CheckThreshold()
    {
        if (_passed >= threshold)
            crash();
    }
}
