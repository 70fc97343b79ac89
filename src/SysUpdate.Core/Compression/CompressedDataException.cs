namespace SysUpdate.Core.Compression;

/// <summary>The compressed input is corrupt or ends before the end of its stream.</summary>
internal sealed class CompressedDataException : SysUpdateException
{
    public CompressedDataException(CompressionFormat format, string what)
        : this(format, what, origin: null, innerException: null)
    {
    }

    private CompressedDataException(CompressionFormat format, string what, string? origin, Exception? innerException)
        : base(origin is null ? $"{FormatName(format)}: {what}" : $"{origin}: {FormatName(format)}: {what}, refusing it", innerException)
    {
        Format = format;
        What = what;
        Origin = origin;
        Errno = Errno.EBADMSG;
    }

    public CompressionFormat Format { get; }

    /// <summary>What is wrong with the data, without the format or origin.</summary>
    public string What { get; }

    /// <summary>The file or URL the data came from, once known.</summary>
    public string? Origin { get; }

    /// <summary>The same fault, named after the file or URL it came from.</summary>
    public CompressedDataException From(string origin) => new(Format, What, origin, this);

    internal static string FormatName(CompressionFormat format) => format switch
    {
        CompressionFormat.Gzip => "gzip",
        CompressionFormat.Xz => "xz",
        CompressionFormat.Zstd => "zstd",
        CompressionFormat.Bzip2 => "bzip2",
        _ => "raw",
    };
}
