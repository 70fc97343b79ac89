using System.Runtime.InteropServices;
using SysUpdate.Core.Compression.Xz;

namespace SysUpdate.Core.Compression;

/// <summary>
/// .xz streams (concatenated streams and stream padding included) through the system liblzma's stream decoder, on the
/// calling thread: for small inputs such as chunks. Payloads go through <see cref="BlockParallelXzDecoder"/>.
/// </summary>
internal sealed unsafe class XzDecoder : IStreamDecoder
{
    public const string Library = "liblzma.so.5";
    private const uint LzmaConcatenated = 0x08;

    private readonly LzmaStreamHandle? _stream;
    private nint _library;
    private bool _disposed;

    public XzDecoder()
    {
        _library = NativeCodecLibrary.Load(Library, "liblzma5", "xz");
        try
        {
            _stream = new LzmaStreamHandle();
            int rc = lzma_stream_decoder(_stream.Stream, ulong.MaxValue, LzmaConcatenated);
            if (rc != Liblzma.Ok)
                throw new SysUpdateException($"xz: failed to initialise the decoder: {Liblzma.Describe(rc)}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public CompressionFormat Format => CompressionFormat.Xz;

    public bool Decode(nint input, int inputLength, nint output, int outputLength, bool finalInput, out int consumed, out int written)
    {
        ObjectDisposedException.ThrowIf(_disposed || _stream is null, this);
        int rc = Liblzma.Code(_stream.Stream, (byte*)input, inputLength, (byte*)output, outputLength, finalInput, out consumed, out written);
        switch (rc)
        {
            case Liblzma.StreamEnd:
                return true;
            case Liblzma.Ok:
                return false;
            case Liblzma.BufError when finalInput:
                throw new CompressedDataException(CompressionFormat.Xz, "compressed data is truncated (unexpected end of input)");
            default:
                throw new CompressedDataException(CompressionFormat.Xz, Liblzma.Describe(rc));
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _stream?.Dispose();
        if (_library != 0)
        {
            NativeLibrary.Free(_library);
            _library = 0;
        }
    }

    [DllImport(Library)]
    private static extern int lzma_stream_decoder(LzmaStreamNative* strm, ulong memlimit, uint flags);
}
