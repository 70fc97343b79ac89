namespace SysUpdate.Core.Compression;

/// <summary>The compressed input is corrupt or ends before the end of its stream.</summary>
internal sealed class CompressedDataException : SysUpdateException
{
    public CompressedDataException(CompressionFormat format, string what)
        : base($"{FormatName(format)}: {what}")
    {
        Format = format;
        Errno = Errno.EBADMSG;
    }

    public CompressionFormat Format { get; }

    internal static string FormatName(CompressionFormat format) => format switch
    {
        CompressionFormat.Gzip => "gzip",
        CompressionFormat.Xz => "xz",
        CompressionFormat.Zstd => "zstd",
        CompressionFormat.Bzip2 => "bzip2",
        _ => "raw",
    };
}
