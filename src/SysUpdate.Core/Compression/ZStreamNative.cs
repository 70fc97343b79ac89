using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression;

/// <summary>
/// The .NET runtime's <c>PAL_ZStream</c> (System.IO.Compression.Native), the part of a zlib <c>z_stream</c> the
/// runtime's shim passes through to its zlib-ng. Initialise with <c>default</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ZStreamNative
{
    public nint NextIn;
    public nint NextOut;
    public nint Msg;
    public nint InternalState;
    public uint AvailIn;
    public uint AvailOut;
}
