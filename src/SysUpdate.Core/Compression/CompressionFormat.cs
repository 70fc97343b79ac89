namespace SysUpdate.Core.Compression;

/// <summary>Container formats the data path can decode, as recognised by <see cref="CompressionSniffer"/>.</summary>
internal enum CompressionFormat
{
    /// <summary>Not compressed (or not a format we recognise): bytes pass through unchanged.</summary>
    None,
    Gzip,
    Xz,
    Zstd,
    Bzip2,
}
