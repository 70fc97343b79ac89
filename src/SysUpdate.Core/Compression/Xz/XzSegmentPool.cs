using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression.Xz;

/// <summary>
/// 1 MiB native buffers that hold blocks' compressed and decoded bytes while they are decoded side by side. A segment
/// goes back as soon as its bytes are used, so the memory held is what is in flight at the busiest moment, not the
/// sum of whole blocks.
/// </summary>
internal sealed unsafe class XzSegmentPool : IDisposable
{
    public const int SegmentSize = 1 << 20;

    private readonly Stack<nint> _free = new();
    private readonly List<nint> _allocated = [];

    public byte* Rent()
    {
        lock (_free)
        {
            if (_free.TryPop(out nint segment))
                return (byte*)segment;
            nint allocated = (nint)NativeMemory.Alloc(SegmentSize);
            _allocated.Add(allocated);
            return (byte*)allocated;
        }
    }

    public void Return(byte* segment)
    {
        lock (_free)
            _free.Push((nint)segment);
    }

    /// <summary>Frees every segment, returned or not: only once nothing decodes into them any more.</summary>
    public void Dispose()
    {
        lock (_free)
        {
            foreach (nint segment in _allocated)
                NativeMemory.Free((void*)segment);
            _allocated.Clear();
            _free.Clear();
        }
    }
}
