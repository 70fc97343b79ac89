namespace SysUpdate.Core.Disk;

/// <summary>
/// One used entry of a GPT partition array. <see cref="Number"/> is the 1-based entry index (the kernel's
/// partition number). Start and end are inclusive LBAs; <see cref="SectorSize"/> converts them to bytes.
/// </summary>
internal sealed record GptPartition(
    int Number,
    Guid Type,
    Guid Uuid,
    ulong FirstLba,
    ulong LastLba,
    ulong Attributes,
    string Name)
{
    /// <summary>Logical sector size of the disk this entry was read from.</summary>
    public int SectorSize { get; init; } = GptLayout.MinSectorSize;

    /// <summary>
    /// Device node of this partition (<c>/dev/sda1</c>, <c>/dev/nvme0n1p1</c>) when the disk is a block
    /// device; null for image files.
    /// </summary>
    public string? DeviceNode { get; init; }

    public long StartBytes => checked((long)FirstLba * SectorSize);

    public long SizeBytes => checked((long)(LastLba - FirstLba + 1) * SectorSize);

    /// <summary>True if <paramref name="name"/> fits a GPT entry: at most 36 UTF-16 code units, no NUL.</summary>
    public static bool IsValidName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length <= GptLayout.MaxNameCodeUnits && !name.Contains('\0', StringComparison.Ordinal);
    }
}
