using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression;

/// <summary>
/// .xz streams (concatenated streams and stream padding included) through the system liblzma; multi-threaded
/// when liblzma has <c>lzma_stream_decoder_mt</c> (5.4+) and there is more than one CPU.
/// </summary>
internal sealed unsafe class XzDecoder : IStreamDecoder
{
    public const string Library = "liblzma.so.5";
    private const uint LzmaConcatenated = 0x08;
    private const int LzmaRun = 0;
    private const int LzmaFinish = 3;

    // Each decoder thread holds a whole block's output plus its input and dictionary, and the decoder
    // reads ahead while the budget lasts: with xz's default (a quarter of RAM) a 512 MiB `xz -T0` image
    // (22 blocks of 24 MiB, 8 MiB dictionary) kept 260–290 MiB resident. With this budget two threads
    // run for blocks of a few MiB (2 MiB: two workers); 24 MiB blocks get liblzma's single-threaded
    // fallback (≈ 25 MiB more than no xz at all), because one worker alone costs ≈ 65 MiB and on
    // these 2-core machines decoded no faster than the fallback.
    private const long ThreadingBudget = 32L << 20;

    // lzma_ret
    private const int LzmaOk = 0;
    private const int LzmaStreamEnd = 1;
    private const int LzmaBufError = 10;

    private readonly LzmaStreamHandle? _stream;
    private nint _library;
    private bool _disposed;

    public XzDecoder()
    {
        _library = NativeCodecLibrary.Load(Library, "liblzma5", "xz");
        try
        {
            _stream = new LzmaStreamHandle();
            int threads = Environment.ProcessorCount;
            int rc;
            if (threads > 1 && NativeLibrary.TryGetExport(_library, "lzma_stream_decoder_mt", out _))
            {
                var options = new LzmaMtOptions
                {
                    Flags = LzmaConcatenated,
                    Threads = (uint)threads,
                    Timeout = 0,
                    MemlimitThreading = (ulong)Math.Min(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4, ThreadingBudget),
                    MemlimitStop = ulong.MaxValue,
                };
                rc = lzma_stream_decoder_mt(_stream.Stream, in options);
            }
            else
            {
                rc = lzma_stream_decoder(_stream.Stream, ulong.MaxValue, LzmaConcatenated);
            }
            if (rc != LzmaOk)
                throw new SysUpdateException($"xz: failed to initialise the decoder: {Describe(rc)}");
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
        LzmaStreamNative* s = _stream.Stream;
        s->NextIn = input;
        s->AvailIn = (nuint)inputLength;
        s->NextOut = output;
        s->AvailOut = (nuint)outputLength;
        int rc = lzma_code(s, finalInput ? LzmaFinish : LzmaRun);
        consumed = inputLength - (int)s->AvailIn;
        written = outputLength - (int)s->AvailOut;
        s->NextIn = 0;
        s->NextOut = 0;

        switch (rc)
        {
            case LzmaStreamEnd:
                return true;
            case LzmaOk:
                return false;
            case LzmaBufError when finalInput:
                throw new CompressedDataException(CompressionFormat.Xz, "compressed data is truncated (unexpected end of input)");
            default:
                throw new CompressedDataException(CompressionFormat.Xz, Describe(rc));
        }
    }

    private static string Describe(int rc) => rc switch
    {
        2 => "input stream has no integrity check",
        3 => "cannot verify the integrity check type",
        5 => "memory allocation failed (LZMA_MEM_ERROR)",
        6 => "memory usage limit reached (LZMA_MEMLIMIT_ERROR)",
        7 => "file format not recognized (LZMA_FORMAT_ERROR)",
        8 => "unsupported options (LZMA_OPTIONS_ERROR)",
        9 => "compressed data is corrupt (LZMA_DATA_ERROR)",
        10 => "unexpected end of input or no progress possible (LZMA_BUF_ERROR)",
        11 => "programming error in liblzma (LZMA_PROG_ERROR)",
        _ => $"liblzma error {rc}",
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
    private static extern int lzma_stream_decoder(LzmaStreamNative* strm, ulong memlimit, uint flags);

    [DllImport(Library)]
    private static extern int lzma_stream_decoder_mt(LzmaStreamNative* strm, in LzmaMtOptions options);

    [DllImport(Library)]
    private static extern int lzma_code(LzmaStreamNative* strm, int action);
}
