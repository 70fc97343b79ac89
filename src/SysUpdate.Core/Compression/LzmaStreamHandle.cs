using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression;

/// <summary>
/// A liblzma <c>lzma_stream</c> in native memory, where it keeps the one address liblzma expects on every call.
/// Released with <c>lzma_end</c> (safe on a zeroed or half-initialised stream) and freed when disposed or finalized.
/// </summary>
internal sealed unsafe class LzmaStreamHandle : SafeHandle
{
    public LzmaStreamHandle()
        : base(invalidHandleValue: 0, ownsHandle: true)
    {
        SetHandle((nint)NativeMemory.AllocZeroed((nuint)sizeof(LzmaStreamNative)));
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>The stream, for the decoder that owns this handle (only while it is not disposed).</summary>
    public LzmaStreamNative* Stream => (LzmaStreamNative*)handle;

    protected override bool ReleaseHandle()
    {
        lzma_end((LzmaStreamNative*)handle);
        NativeMemory.Free((void*)handle);
        return true;
    }

    [DllImport(XzDecoder.Library)]
    private static extern void lzma_end(LzmaStreamNative* strm);
}
