using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression;

/// <summary>zstd.h <c>ZSTD_inBuffer</c> / <c>ZSTD_outBuffer</c> (same layout: pointer, size, pos).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ZstdBuffer
{
    public nint Data;
    public nuint Size;
    public nuint Pos;
}
