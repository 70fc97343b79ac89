using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression;

/// <summary>bzip2 streams through the system libbz2; a stream that follows the end of another is decoded too, as bzip2 -d does.</summary>
internal sealed class Bzip2Decoder : IStreamDecoder
{
    private const string Library = "libbz2.so.1.0";
    private const int BzOk = 0;
    private const int BzStreamEnd = 4;

    // Pinned: libbz2 checks that its state still points back at the same bz_stream.
    private readonly BzStreamNative[] _stream = GC.AllocateArray<BzStreamNative>(1, pinned: true);
    private nint _library;
    private bool _initialized;
    private bool _streamEnded;
    private bool _disposed;

    public Bzip2Decoder()
    {
        _library = NativeCodecLibrary.Load(Library, "libbz2-1.0", "bzip2");
        try
        {
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
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_streamEnded)
        {
            if (inputLength == 0)
            {
                consumed = 0;
                written = 0;
                return true;
            }
            // Another stream follows (files concatenated with cat).
            End();
            Initialize();
        }

        ref BzStreamNative s = ref _stream[0];
        s.NextIn = input;
        s.AvailIn = (uint)inputLength;
        s.NextOut = output;
        s.AvailOut = (uint)outputLength;
        int rc = BZ2_bzDecompress(ref s);
        consumed = inputLength - (int)s.AvailIn;
        written = outputLength - (int)s.AvailOut;
        s.NextIn = 0;
        s.NextOut = 0;

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
        _stream[0] = default;
        int rc = BZ2_bzDecompressInit(ref _stream[0], 0, 0);
        if (rc != BzOk)
            throw new SysUpdateException($"bzip2: failed to initialise the decoder: {Describe(rc)}");
        _initialized = true;
        _streamEnded = false;
    }

    private void End()
    {
        if (_initialized)
        {
            _ = BZ2_bzDecompressEnd(ref _stream[0]);
            _initialized = false;
        }
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
        End();
        if (_library != 0)
        {
            NativeLibrary.Free(_library);
            _library = 0;
        }
    }

    [DllImport(Library)]
    private static extern int BZ2_bzDecompressInit(ref BzStreamNative strm, int verbosity, int small);

    [DllImport(Library)]
    private static extern int BZ2_bzDecompress(ref BzStreamNative strm);

    [DllImport(Library)]
    private static extern int BZ2_bzDecompressEnd(ref BzStreamNative strm);
}
