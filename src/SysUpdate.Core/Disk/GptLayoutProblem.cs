namespace SysUpdate.Core.Disk;

/// <summary>One reason a partition table must not be written to: an entry outside the usable LBA range, or
/// two entries that share sectors. <see cref="Other"/> is set only for <see cref="GptLayoutProblemKind.Overlap"/>.</summary>
internal sealed record GptLayoutProblem(GptLayoutProblemKind Kind, GptPartition Entry, GptPartition? Other = null)
{
    /// <summary>"entries 2 (usr_1) and 4 (_empty) overlap", "entry 3 (esp) spans LBA 10..20, outside the usable range 34..2014".</summary>
    public string Describe(ulong firstUsableLba, ulong lastUsableLba) => Kind switch
    {
        GptLayoutProblemKind.Overlap =>
            $"entries {Name(Entry)} and {Name(Other!)} overlap (LBA {Entry.FirstLba}..{Entry.LastLba} and {Other!.FirstLba}..{Other.LastLba})",
        GptLayoutProblemKind.OutsideUsableRange =>
            $"entry {Name(Entry)} spans LBA {Entry.FirstLba}..{Entry.LastLba}, outside the usable range {firstUsableLba}..{lastUsableLba}",
        _ => throw new InvalidOperationException($"unknown layout problem {Kind}"),
    };

    private static string Name(GptPartition p) => $"{p.Number} ({p.Name})";
}
