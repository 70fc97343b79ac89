namespace SysUpdate.Core.Pipeline;

/// <summary>The two aligned chunk buffers <see cref="BoundedWriter"/> alternates between for <c>O_DIRECT</c> writes:
/// one is filled while the other is written.</summary>
internal sealed class DirectWriteBuffers : IDisposable
{
    private readonly AlignedBuffer _first = new(BoundedWriter.ChunkSize, BoundedWriter.DirectAlignment);
    private readonly AlignedBuffer _second = new(BoundedWriter.ChunkSize, BoundedWriter.DirectAlignment);

    public Memory<byte> First => _first.Memory;

    public Memory<byte> Second => _second.Memory;

    public void Dispose()
    {
        ((IDisposable)_first).Dispose();
        ((IDisposable)_second).Dispose();
    }
}
