namespace SysUpdate.Core.Compression;

/// <summary>Recognises a compression format from the first bytes of a payload (its magic number).</summary>
internal static class CompressionSniffer
{
    /// <summary>The longest magic we look at; callers should offer at least this many bytes when available.</summary>
    public const int MaxMagicLength = 6;

    // ID1 ID2 and CM=8 (deflate, the only method RFC 1952 defines): upstream looks at two bytes only, so a
    // raw image that happens to start with 1f 8b would be taken for gzip (1 in 65536 random images).
    private static ReadOnlySpan<byte> GzipMagic => [0x1F, 0x8B, 0x08];
    private static ReadOnlySpan<byte> XzMagic => [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00];
    private static ReadOnlySpan<byte> ZstdMagic => [0x28, 0xB5, 0x2F, 0xFD];
    private static ReadOnlySpan<byte> Bzip2Magic => "BZh"u8;

    /// <summary>
    /// Returns the format whose magic <paramref name="head"/> starts with, or <see cref="CompressionFormat.None"/>
    /// (also when <paramref name="head"/> is shorter than the magic it would need).
    /// </summary>
    public static CompressionFormat Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(XzMagic))
            return CompressionFormat.Xz;
        if (head.StartsWith(ZstdMagic))
            return CompressionFormat.Zstd;
        if (head.Length >= Bzip2Magic.Length + 1 && head.StartsWith(Bzip2Magic) && head[3] is >= (byte)'1' and <= (byte)'9')
            return CompressionFormat.Bzip2;
        if (head.StartsWith(GzipMagic))
            return CompressionFormat.Gzip;
        return CompressionFormat.None;
    }
}
