using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression;

/// <summary>lzma/base.h <c>lzma_stream</c>, field for field (136 bytes on 64-bit Linux: x86-64 and arm64). Initialise with <c>default</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LzmaStreamNative
{
    public nint NextIn;
    public nuint AvailIn;
    public ulong TotalIn;
    public nint NextOut;
    public nuint AvailOut;
    public ulong TotalOut;
    public nint Allocator;
    public nint Internal;
    public nint ReservedPtr1;
    public nint ReservedPtr2;
    public nint ReservedPtr3;
    public nint ReservedPtr4;
    public ulong SeekPos;
    public ulong ReservedInt2;
    public nuint ReservedInt3;
    public nuint ReservedInt4;
    public int ReservedEnum1;
    public int ReservedEnum2;
}
