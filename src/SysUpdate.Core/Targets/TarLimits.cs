namespace SysUpdate.Core.Targets;

/// <summary>
/// Caps on everything a tar payload can make the extractor read or write, checked before the
/// corresponding bytes are read or written: total archive bytes, extended header sizes, name
/// lengths, depth and entry count.
/// </summary>
internal sealed record TarLimits
{
    /// <summary>PATH_MAX, including the terminating NUL.</summary>
    public const int PathMax = 4096;

    /// <summary>NAME_MAX: the longest single path component.</summary>
    public const int NameMax = 255;

    /// <summary>Bytes of the (decompressed) archive, headers included.</summary>
    public long MaxArchiveBytes { get; init; } = long.MaxValue;

    /// <summary>What <see cref="MaxArchiveBytes"/> comes from, for the error message.</summary>
    public string MaxArchiveBytesReason { get; init; } = "the limit";

    /// <summary>A PAX extended header ('x' / 'g') is read into memory whole, so it is capped.</summary>
    public int MaxExtendedHeaderBytes { get; init; } = 1024 * 1024;

    /// <summary>A GNU long name / long link ('L' / 'K') is read into memory whole, so it is capped.</summary>
    public int MaxLongNameBytes { get; init; } = 64 * 1024;

    public int MaxDepth { get; init; } = 512;

    public long MaxEntries { get; init; } = 1L << 22;

    /// <summary>Free space kept on the target file system when no declared size bounds the archive.</summary>
    public const int FreeSpaceMarginPercent = 5;

    /// <summary>
    /// The limits for extracting into <paramref name="targetDirectory"/>: the archive may not unpack to
    /// more than <paramref name="declaredSize"/> bytes (the source pattern's <c>@s</c>) when given,
    /// nor to more than the target file system's free space minus a margin.
    /// </summary>
    public static TarLimits ForTarget(string targetDirectory, ulong? declaredSize)
    {
        long free = new DriveInfo(targetDirectory).AvailableFreeSpace;
        long cap = free - free / 100 * FreeSpaceMarginPercent;
        string reason = $"{FreeSpaceMarginPercent}% below the free space on {targetDirectory}";
        if (declaredSize is { } declared && declared < (ulong)cap)
        {
            cap = (long)declared;
            reason = "the declared size";
        }
        return new TarLimits { MaxArchiveBytes = cap, MaxArchiveBytesReason = reason };
    }
}
