using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression;

/// <summary>
/// gzip members (several in a row, as gzip writes them when files are concatenated) through the zlib-ng inside the
/// .NET runtime (<see cref="RuntimeZlib"/>), driven directly: inflate in gzip mode checks the header, the CRC-32 and
/// the ISIZE trailer itself, and returning to the caller at each member's end lets <see cref="DecodingStream"/> see
/// truncation and trailing garbage. Not <see cref="System.IO.Compression.GZipStream"/>: measured on .NET 10, it
/// returns a short result without error for truncated input and ignores trailing garbage.
/// </summary>
internal sealed unsafe class GzipDecoder : IStreamDecoder
{
    private const int GzipWindowBits = 15 + 16; // 32 KiB window, gzip header and trailer only

    private readonly ZStreamHandle? _stream;
    private bool _memberEnded;
    private bool _disposed;

    public GzipDecoder()
    {
        try
        {
            _stream = new ZStreamHandle();
            int rc = RuntimeZlib.InflateInit2(_stream.Stream, GzipWindowBits);
            if (rc != RuntimeZlib.Ok)
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
            int reset = RuntimeZlib.InflateReset2(s, GzipWindowBits);
            if (reset != RuntimeZlib.Ok)
                throw new SysUpdateException($"gzip: failed to reset zlib's inflate: error {reset}");
            _memberEnded = false;
        }

        s->NextIn = input;
        s->AvailIn = (uint)inputLength;
        s->NextOut = output;
        s->AvailOut = (uint)outputLength;
        int rc = RuntimeZlib.Inflate(s, RuntimeZlib.NoFlush);
        consumed = inputLength - (int)s->AvailIn;
        written = outputLength - (int)s->AvailOut;
        s->NextIn = 0;
        s->NextOut = 0;

        switch (rc)
        {
            case RuntimeZlib.StreamEnd:
                _memberEnded = true;
                return true;
            case RuntimeZlib.Ok:
            case RuntimeZlib.BufError: // no progress possible; the caller decides whether that means truncation
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
    }
}
