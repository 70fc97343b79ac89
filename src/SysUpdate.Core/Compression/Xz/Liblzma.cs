using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression.Xz;

/// <summary>The parts of liblzma's low-level API that decode an .xz stream block by block (all there since liblzma 5.0).</summary>
internal static unsafe class Liblzma
{
    public const int Ok = 0;
    public const int StreamEnd = 1;
    public const int UnsupportedCheck = 3;
    public const int FormatError = 7;
    public const int OptionsError = 8;
    public const int DataError = 9;
    public const int BufError = 10;

    public const int Run = 0;
    public const int Finish = 3;

    public const ulong VliUnknown = ulong.MaxValue;
    public const int FiltersMax = 4;
    public const int StreamHeaderSize = 12;

    /// <summary>What an lzma_ret means, for an error message.</summary>
    public static string Describe(int rc) => rc switch
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

    /// <summary>One <c>lzma_code</c> call over these buffers (whose addresses the stream does not keep).</summary>
    /// <returns>The lzma_ret.</returns>
    public static int Code(LzmaStreamNative* stream, byte* input, int inputLength, byte* output, int outputLength, bool finish,
        out int consumed, out int written)
    {
        stream->NextIn = (nint)input;
        stream->AvailIn = (nuint)inputLength;
        stream->NextOut = (nint)output;
        stream->AvailOut = (nuint)outputLength;
        int rc = lzma_code(stream, finish ? Finish : Run);
        consumed = inputLength - (int)stream->AvailIn;
        written = outputLength - (int)stream->AvailOut;
        stream->NextIn = 0;
        stream->NextOut = 0;
        return rc;
    }

    [DllImport(XzDecoder.Library)]
    public static extern int lzma_code(LzmaStreamNative* strm, int action);

    [DllImport(XzDecoder.Library)]
    public static extern int lzma_stream_header_decode(LzmaStreamFlagsNative* options, byte* input);

    [DllImport(XzDecoder.Library)]
    public static extern int lzma_stream_footer_decode(LzmaStreamFlagsNative* options, byte* input);

    [DllImport(XzDecoder.Library)]
    public static extern int lzma_stream_flags_compare(LzmaStreamFlagsNative* a, LzmaStreamFlagsNative* b);

    [DllImport(XzDecoder.Library)]
    public static extern int lzma_block_header_decode(LzmaBlockNative* block, nint allocator, byte* input);

    [DllImport(XzDecoder.Library)]
    public static extern int lzma_block_decoder(LzmaStreamNative* strm, LzmaBlockNative* block);

    [DllImport(XzDecoder.Library)]
    public static extern ulong lzma_block_unpadded_size(LzmaBlockNative* block);

    [DllImport(XzDecoder.Library)]
    public static extern ulong lzma_raw_decoder_memusage(LzmaFilterNative* filters);

    [DllImport(XzDecoder.Library)]
    public static extern nint lzma_index_hash_init(nint indexHash, nint allocator);

    [DllImport(XzDecoder.Library)]
    public static extern void lzma_index_hash_end(nint indexHash, nint allocator);

    [DllImport(XzDecoder.Library)]
    public static extern int lzma_index_hash_append(nint indexHash, ulong unpaddedSize, ulong uncompressedSize);

    [DllImport(XzDecoder.Library)]
    public static extern int lzma_index_hash_decode(nint indexHash, byte* input, nuint* inputPosition, nuint inputSize);

    [DllImport(XzDecoder.Library)]
    public static extern ulong lzma_index_hash_size(nint indexHash);
}
