using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression;

/// <summary>bzlib.h <c>bz_stream</c>, field for field (80 bytes on 64-bit Linux: x86-64 and arm64). Initialise with <c>default</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BzStreamNative
{
    public nint NextIn;
    public uint AvailIn;
    public uint TotalInLo32;
    public uint TotalInHi32;
    public nint NextOut;
    public uint AvailOut;
    public uint TotalOutLo32;
    public uint TotalOutHi32;
    public nint State;
    public nint BzAlloc;
    public nint BzFree;
    public nint Opaque;
}
