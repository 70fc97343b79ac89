using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression;

/// <summary>zlib.h <c>z_stream</c>, field for field (112 bytes on 64-bit Linux, x86-64 and arm64, where uLong is 64 bits). Initialise with <c>default</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ZStreamNative
{
    public nint NextIn;
    public uint AvailIn;
    public nuint TotalIn;
    public nint NextOut;
    public uint AvailOut;
    public nuint TotalOut;
    public nint Msg;
    public nint State;
    public nint ZAlloc;
    public nint ZFree;
    public nint Opaque;
    public int DataType;
    public nuint Adler;
    public nuint Reserved;
}
