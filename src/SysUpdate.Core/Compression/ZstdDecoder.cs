using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression;

/// <summary>zstd frames (concatenated frames and skippable frames included) through the system libzstd.</summary>
internal sealed class ZstdDecoder : IStreamDecoder
{
    public const string Library = "libzstd.so.1";

    private readonly ZstdDecompressionHandle? _stream;
    private nint _library;
    private bool _frameComplete;

    public ZstdDecoder()
    {
        _library = NativeCodecLibrary.Load(Library, "libzstd1", "zstd");
        try
        {
            _stream = ZSTD_createDStream();
            if (_stream.IsInvalid)
                throw new SysUpdateException("zstd: failed to allocate a decompression stream") { Errno = Errno.ENOMEM };
            nuint rc = ZSTD_initDStream(_stream);
            if (ZSTD_isError(rc) != 0)
                throw new SysUpdateException($"zstd: failed to initialise a decompression stream: {ErrorName(rc)}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public CompressionFormat Format => CompressionFormat.Zstd;

    public bool Decode(nint input, int inputLength, nint output, int outputLength, bool finalInput, out int consumed, out int written)
    {
        ObjectDisposedException.ThrowIf(_stream is null || _stream.IsClosed, this);
        var inBuffer = new ZstdBuffer { Data = input, Size = (nuint)inputLength, Pos = 0 };
        var outBuffer = new ZstdBuffer { Data = output, Size = (nuint)outputLength, Pos = 0 };
        nuint rc = ZSTD_decompressStream(_stream, ref outBuffer, ref inBuffer);
        if (ZSTD_isError(rc) != 0)
            throw new CompressedDataException(CompressionFormat.Zstd, $"corrupt compressed data: {ErrorName(rc)}");

        consumed = (int)inBuffer.Pos;
        written = (int)outBuffer.Pos;
        // 0 means a frame was decoded completely and flushed; only trust it when this call did something,
        // since a call without input answers with a size hint for the next frame.
        if (consumed > 0 || written > 0)
            _frameComplete = rc == 0;
        return _frameComplete;
    }

    private static string ErrorName(nuint code) => Marshal.PtrToStringUTF8(ZSTD_getErrorName(code)) ?? $"error {code}";

    public void Dispose()
    {
        _stream?.Dispose();
        if (_library != 0)
        {
            NativeLibrary.Free(_library);
            _library = 0;
        }
    }

    [DllImport(Library)]
    private static extern ZstdDecompressionHandle ZSTD_createDStream();

    [DllImport(Library)]
    private static extern nuint ZSTD_initDStream(ZstdDecompressionHandle stream);

    [DllImport(Library)]
    private static extern nuint ZSTD_decompressStream(ZstdDecompressionHandle stream, ref ZstdBuffer output, ref ZstdBuffer input);

    [DllImport(Library)]
    private static extern uint ZSTD_isError(nuint code);

    [DllImport(Library)]
    private static extern nint ZSTD_getErrorName(nuint code);
}
