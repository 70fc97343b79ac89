using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression;

/// <summary>
/// gzip members (several in a row, as gzip writes them when files are concatenated) through the system zlib.
/// Not <see cref="System.IO.Compression.GZipStream"/>: measured on .NET 10, it returns a short result without
/// error for truncated input and ignores trailing garbage, while the data path must see both as errors.
/// </summary>
internal sealed unsafe class GzipDecoder : IStreamDecoder
{
    public const string Library = "libz.so.1";
    private const int GzipWindowBits = 15 + 16; // 32 KiB window, gzip header and trailer only
    private const int ZOk = 0;
    private const int ZStreamEnd = 1;
    private const int ZBufError = -5;
    private const int ZNoFlush = 0;

    // zlib only compares the major version digit; the struct size guards the layout.
    private static readonly byte[] ZlibVersion = "1.2.11\0"u8.ToArray();

    private readonly ZStreamHandle? _stream;
    private nint _library;
    private bool _memberEnded;
    private bool _disposed;

    public GzipDecoder()
    {
        _library = NativeCodecLibrary.Load(Library, "zlib1g", "gzip");
        try
        {
            _stream = new ZStreamHandle();
            int rc = inflateInit2_(_stream.Stream, GzipWindowBits, ZlibVersion, sizeof(ZStreamNative));
            if (rc != ZOk)
                throw new SysUpdateException($"gzip: failed to initialise zlib's inflate: error {rc}");
            _stream.Initialized = true;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public CompressionFormat Format => CompressionFormat.Gzip;

    public bool Decode(nint input, int inputLength, nint output, int outputLength, bool finalInput, out int consumed, out int written)
    {
        ObjectDisposedException.ThrowIf(_disposed || _stream is null, this);
        ZStreamNative* s = _stream.Stream;
        if (_memberEnded)
        {
            if (inputLength == 0)
            {
                consumed = 0;
                written = 0;
                return true;
            }
            // Another member follows; it must start with a gzip header again.
            int reset = inflateReset(s);
            if (reset != ZOk)
                throw new SysUpdateException($"gzip: failed to reset zlib's inflate: error {reset}");
            _memberEnded = false;
        }

        s->NextIn = input;
        s->AvailIn = (uint)inputLength;
        s->NextOut = output;
        s->AvailOut = (uint)outputLength;
        int rc = inflate(s, ZNoFlush);
        consumed = inputLength - (int)s->AvailIn;
        written = outputLength - (int)s->AvailOut;
        s->NextIn = 0;
        s->NextOut = 0;

        switch (rc)
        {
            case ZStreamEnd:
                _memberEnded = true;
                return true;
            case ZOk:
            case ZBufError: // no progress possible; the caller decides whether that means truncation
                return false;
            default:
                string detail = s->Msg != 0 ? Marshal.PtrToStringUTF8(s->Msg) ?? "" : "";
                throw new CompressedDataException(CompressionFormat.Gzip,
                    $"compressed data is corrupt ({(detail.Length > 0 ? detail : $"zlib error {rc}")})");
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
    private static extern int inflateInit2_(ZStreamNative* strm, int windowBits, byte[] version, int streamSize);

    [DllImport(Library)]
    private static extern int inflate(ZStreamNative* strm, int flush);

    [DllImport(Library)]
    private static extern int inflateReset(ZStreamNative* strm);
}
