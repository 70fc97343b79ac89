using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression;

/// <summary>
/// A libbz2 <c>bz_stream</c> in native memory, where it never moves (libbz2 checks that its state still points back at
/// the same <c>bz_stream</c>). Released with <c>BZ2_bzDecompressEnd</c> (once the decoder was initialised) and freed when disposed or finalized.
/// </summary>
internal sealed unsafe class BzStreamHandle : SafeHandle
{
    public BzStreamHandle()
        : base(invalidHandleValue: 0, ownsHandle: true)
    {
        SetHandle((nint)NativeMemory.AllocZeroed((nuint)sizeof(BzStreamNative)));
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>The stream, for the decoder that owns this handle (only while it is not disposed).</summary>
    public BzStreamNative* Stream => (BzStreamNative*)handle;

    /// <summary>Set after a successful init, cleared after <c>BZ2_bzDecompressEnd</c>: whether libbz2 holds state to release.</summary>
    public bool Initialized { get; set; }

    /// <summary>Releases what the library allocated for the stream (<c>BZ2_bzDecompressEnd</c>), keeping the memory for
    /// another init.</summary>
    public void End()
    {
        if (!Initialized)
            return;
        _ = BZ2_bzDecompressEnd((BzStreamNative*)handle);
        Initialized = false;
    }

    protected override bool ReleaseHandle()
    {
        End();
        NativeMemory.Free((void*)handle);
        return true;
    }

    [DllImport(Bzip2Decoder.Library)]
    private static extern int BZ2_bzDecompressEnd(BzStreamNative* strm);
}
