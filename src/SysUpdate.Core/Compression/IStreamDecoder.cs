namespace SysUpdate.Core.Compression;

/// <summary>
/// One native decoder state (zlib, liblzma, libzstd, libbz2) driven by <see cref="DecodingStream"/>.
/// Input and output are addresses of pinned buffers; the decoder never keeps them beyond one call.
/// </summary>
internal interface IStreamDecoder : IDisposable
{
    CompressionFormat Format { get; }

    /// <summary>
    /// Decodes as much of the input into the output as the library will. <paramref name="finalInput"/> says
    /// no input follows the bytes given. Returns <see langword="true"/> when the decoder stands at the clean
    /// end of a stream (all output flushed), where the input may end; more input starts a concatenated stream.
    /// </summary>
    /// <exception cref="CompressedDataException">The library reported corrupt data.</exception>
    bool Decode(nint input, int inputLength, nint output, int outputLength, bool finalInput, out int consumed, out int written);
}
