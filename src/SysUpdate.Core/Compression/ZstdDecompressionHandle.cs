using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression;

/// <summary>A libzstd <c>ZSTD_DStream*</c>; freed with <c>ZSTD_freeDStream</c> when disposed or finalized.</summary>
internal sealed class ZstdDecompressionHandle : SafeHandle
{
    public ZstdDecompressionHandle()
        : base(invalidHandleValue: 0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle() => ZSTD_freeDStream(handle) == 0;

    [DllImport(ZstdDecoder.Library)]
    private static extern nuint ZSTD_freeDStream(nint stream);
}
