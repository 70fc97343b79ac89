using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression;

/// <summary>bzip2 streams through the system libbz2; a stream that follows the end of another is decoded too, as bzip2 -d does.</summary>
internal sealed unsafe class Bzip2Decoder : IStreamDecoder
{
    public const string Library = "libbz2.so.1.0";
    private const int BzOk = 0;
    private const int BzStreamEnd = 4;

    private readonly BzStreamHandle? _stream;
    private nint _library;
    private bool _streamEnded;
    private bool _disposed;

    public Bzip2Decoder()
    {
        _library = NativeCodecLibrary.Load(Library, "libbz2-1.0", "bzip2");
        try
        {
            _stream = new BzStreamHandle();
            Initialize();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public CompressionFormat Format => CompressionFormat.Bzip2;

    public bool Decode(nint input, int inputLength, nint output, int outputLength, bool finalInput, out int consumed, out int written)
    {
        ObjectDisposedException.ThrowIf(_disposed || _stream is null, this);
        if (_streamEnded)
        {
            if (inputLength == 0)
            {
                consumed = 0;
                written = 0;
                return true;
            }
            // Another stream follows (files concatenated with cat).
            _stream.End();
            Initialize();
        }

        BzStreamNative* s = _stream.Stream;
        s->NextIn = input;
        s->AvailIn = (uint)inputLength;
        s->NextOut = output;
        s->AvailOut = (uint)outputLength;
        int rc = BZ2_bzDecompress(s);
        consumed = inputLength - (int)s->AvailIn;
        written = outputLength - (int)s->AvailOut;
        s->NextIn = 0;
        s->NextOut = 0;

        if (rc == BzStreamEnd)
        {
            _streamEnded = true;
            return true;
        }
        if (rc == BzOk)
            return false;
        throw new CompressedDataException(CompressionFormat.Bzip2, Describe(rc));
    }

    private void Initialize()
    {
        BzStreamNative* s = _stream!.Stream;
        *s = default;
        int rc = BZ2_bzDecompressInit(s, 0, 0);
        if (rc != BzOk)
            throw new SysUpdateException($"bzip2: failed to initialise the decoder: {Describe(rc)}");
        _stream.Initialized = true;
        _streamEnded = false;
    }

    private static string Describe(int rc) => rc switch
    {
        -1 => "sequence error (BZ_SEQUENCE_ERROR)",
        -2 => "parameter error (BZ_PARAM_ERROR)",
        -3 => "memory allocation failed (BZ_MEM_ERROR)",
        -4 => "compressed data is corrupt (BZ_DATA_ERROR)",
        -5 => "not a bzip2 stream, bad magic (BZ_DATA_ERROR_MAGIC)",
        -9 => "libbz2 is miscompiled (BZ_CONFIG_ERROR)",
        _ => $"libbz2 error {rc}",
    };

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
    private static extern int BZ2_bzDecompressInit(BzStreamNative* strm, int verbosity, int small);

    [DllImport(Library)]
    private static extern int BZ2_bzDecompress(BzStreamNative* strm);
}
