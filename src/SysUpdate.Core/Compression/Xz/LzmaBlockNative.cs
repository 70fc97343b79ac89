using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression.Xz;

/// <summary>lzma/block.h <c>lzma_block</c> (208 bytes on 64-bit Linux: x86-64 and arm64); only the fields we read or set.
/// Initialise with <c>default</c>: the reserved fields must be zero.</summary>
[StructLayout(LayoutKind.Explicit, Size = 208)]
internal struct LzmaBlockNative
{
    [FieldOffset(0)] public uint Version;
    [FieldOffset(4)] public uint HeaderSize;
    [FieldOffset(8)] public int Check;
    [FieldOffset(16)] public ulong CompressedSize;
    [FieldOffset(24)] public ulong UncompressedSize;
    [FieldOffset(32)] public nint Filters;
}

/// <summary>lzma/filter.h <c>lzma_filter</c>: a filter ID and its options (allocated by liblzma while decoding a header).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LzmaFilterNative
{
    public ulong Id;
    public nint Options;
}

/// <summary>lzma/stream_flags.h <c>lzma_stream_flags</c> (56 bytes on 64-bit Linux); only the fields we read.</summary>
[StructLayout(LayoutKind.Explicit, Size = 56)]
internal struct LzmaStreamFlagsNative
{
    [FieldOffset(0)] public uint Version;
    [FieldOffset(8)] public ulong BackwardSize;
    [FieldOffset(16)] public int Check;
}
