using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression;

/// <summary>
/// A zlib stream (<see cref="ZStreamNative"/>) in native memory, where it never moves (zlib checks that its state
/// still points back at the same stream). Released with <c>inflateEnd</c> (once the decoder was initialised) and freed when disposed or finalized.
/// </summary>
internal sealed unsafe class ZStreamHandle : SafeHandle
{
    public ZStreamHandle()
        : base(invalidHandleValue: 0, ownsHandle: true)
    {
        SetHandle((nint)NativeMemory.AllocZeroed((nuint)sizeof(ZStreamNative)));
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>The stream, for the decoder that owns this handle (only while it is not disposed).</summary>
    public ZStreamNative* Stream => (ZStreamNative*)handle;

    /// <summary>Set after a successful init, cleared after <c>inflateEnd</c>: whether zlib holds state to release.</summary>
    public bool Initialized { get; set; }

    /// <summary>Releases what the library allocated for the stream (<c>inflateEnd</c>), keeping the memory for
    /// another init.</summary>
    public void End()
    {
        if (!Initialized)
            return;
        _ = RuntimeZlib.InflateEnd((ZStreamNative*)handle);
        Initialized = false;
    }

    protected override bool ReleaseHandle()
    {
        End();
        NativeMemory.Free((void*)handle);
        return true;
    }
}
