using SysUpdate.Core.Compression.Xz;

namespace SysUpdate.Core.Compression;

/// <summary>Opens a decoding stream for a payload whose format <see cref="CompressionSniffer"/> recognised.</summary>
internal static class Decompressor
{
    /// <summary>
    /// Returns a read-only, forward-only stream of the decoded bytes of <paramref name="compressed"/>. Reading
    /// throws <see cref="CompressedDataException"/> for corrupt or truncated input. Disposing it frees the native
    /// decoder and disposes <paramref name="compressed"/> unless <paramref name="leaveOpen"/>; if this method
    /// throws, <paramref name="compressed"/> is disposed likewise.
    /// </summary>
    /// <exception cref="SysUpdateException">The system library for <paramref name="format"/> is missing.</exception>
    public static Stream OpenRead(Stream compressed, CompressionFormat format, bool leaveOpen, string? origin = null)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        if (format == CompressionFormat.None)
            return new PassThroughStream(compressed, leaveOpen);

        IStreamDecoder? decoder = null;
        try
        {
            decoder = format switch
            {
                CompressionFormat.Gzip => new GzipDecoder(),
                CompressionFormat.Xz => new BlockParallelXzDecoder(Math.Clamp(Environment.ProcessorCount, 1, 4)),
                CompressionFormat.Zstd => new ZstdDecoder(),
                CompressionFormat.Bzip2 => new Bzip2Decoder(),
                _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
            };
            return new DecodingStream(compressed, decoder, leaveOpen, origin);
        }
        catch
        {
            decoder?.Dispose();
            if (!leaveOpen)
                compressed.Dispose();
            throw;
        }
    }
}
