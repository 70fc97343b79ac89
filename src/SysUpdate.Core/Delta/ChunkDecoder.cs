using SysUpdate.Core.Compression;

namespace SysUpdate.Core.Delta;

/// <summary>Turns a fetched <c>.cacnk</c> into the chunk's bytes, trusting nothing about it but what the index says.</summary>
internal static class ChunkDecoder
{
    // Enough to see that a chunk decodes to more than the index says, without decoding more of it.
    private const int OverrunProbeSize = 64;

    /// <summary>
    /// Decodes a zstd (casync's default), xz or gzip chunk, chosen by its magic, into exactly
    /// <paramref name="expected"/>'s length — decoding stops one probe past it, so a bomb never allocates
    /// more — and checks its digest against <paramref name="expected"/>'s id.
    /// </summary>
    /// <param name="origin">The chunk's URL or path, named in errors.</param>
    /// <exception cref="ChunkFormatException">Not a zstd/xz/gzip stream, corrupt, or not exactly the expected length.</exception>
    /// <exception cref="ChunkDigestMismatchException">The bytes are not the chunk the index names.</exception>
    public static byte[] DecodeAndVerify(ReadOnlySpan<byte> compressed, ChunkIndexEntry expected, ChunkDigestKind digest, string origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(expected.Length);

        CompressionFormat format = CompressionSniffer.Detect(compressed);
        var output = new byte[expected.Length];
        using (IStreamDecoder decoder = CreateDecoder(format, origin))
        {
            int decoded;
            try
            {
                decoded = Decode(decoder, compressed, output, origin);
            }
            catch (CompressedDataException ex)
            {
                throw new ChunkFormatException($"{origin}: {ex.Message}", ex);
            }

            if (decoded != expected.Length)
                throw new ChunkFormatException($"{origin}: chunk decodes to {decoded} bytes, the index says {expected.Length}");
        }

        ChunkId actual = ChunkHasher.Compute(digest, output);
        if (actual != expected.Id)
            throw new ChunkDigestMismatchException(origin, expected.Id, actual);
        return output;
    }

    private static IStreamDecoder CreateDecoder(CompressionFormat format, string origin) => format switch
    {
        CompressionFormat.Zstd => new ZstdDecoder(),
        CompressionFormat.Xz => new XzDecoder(),
        CompressionFormat.Gzip => new GzipDecoder(),
        _ => throw new ChunkFormatException($"{origin} is not a zstd/xz/gzip compressed chunk"),
    };

    // Fills output, then offers a small probe buffer: any byte decoded into it means the chunk is longer
    // than the index says. Returns the number of bytes decoded into output.
    private static unsafe int Decode(IStreamDecoder decoder, ReadOnlySpan<byte> compressed, byte[] output, string origin)
    {
        byte* probe = stackalloc byte[OverrunProbeSize];
        int inputPosition = 0;
        int outputPosition = 0;
        fixed (byte* input = compressed)
        fixed (byte* outputStart = output)
        {
            while (true)
            {
                bool intoOutput = outputPosition < output.Length;
                nint destination = intoOutput ? (nint)(outputStart + outputPosition) : (nint)probe;
                int room = intoOutput ? output.Length - outputPosition : OverrunProbeSize;
                bool atEnd = decoder.Decode(
                    (nint)(input + inputPosition), compressed.Length - inputPosition, destination, room, finalInput: true,
                    out int consumed, out int written);
                inputPosition += consumed;
                if (written > 0 && !intoOutput)
                    throw new ChunkFormatException($"{origin}: chunk decodes to more than the {output.Length} bytes the index says");
                outputPosition += written;

                if (written > 0 || consumed > 0 && inputPosition < compressed.Length)
                    continue;
                if (inputPosition == compressed.Length && atEnd)
                    return outputPosition;
                if (consumed == 0)
                    throw new ChunkFormatException($"{origin}: compressed chunk is truncated (unexpected end of input)");
            }
        }
    }
}
