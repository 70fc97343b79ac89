using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression;

/// <summary>
/// Inflate entry points of the zlib-ng the .NET runtime ships (System.IO.Compression.Native: statically linked into
/// our single-file binary, a shared library beside the framework otherwise). zlib-ng decodes deflate about twice as
/// fast as the distribution's zlib, with the same stream semantics and checks.
/// </summary>
internal static unsafe class RuntimeZlib
{
    // The name the runtime itself imports, so that the single-file host resolves it to the built-in copy.
    public const string Library = "libSystem.IO.Compression.Native";

    public const int Ok = 0;
    public const int StreamEnd = 1;
    public const int BufError = -5;
    public const int NoFlush = 0;

    [DllImport(Library, EntryPoint = "CompressionNative_InflateInit2_")]
    public static extern int InflateInit2(ZStreamNative* stream, int windowBits);

    [DllImport(Library, EntryPoint = "CompressionNative_Inflate")]
    public static extern int Inflate(ZStreamNative* stream, int flush);

    [DllImport(Library, EntryPoint = "CompressionNative_InflateReset2_")]
    public static extern int InflateReset2(ZStreamNative* stream, int windowBits);

    [DllImport(Library, EntryPoint = "CompressionNative_InflateEnd")]
    public static extern int InflateEnd(ZStreamNative* stream);
}
