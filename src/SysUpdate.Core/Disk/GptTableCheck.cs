namespace SysUpdate.Core.Disk;

/// <summary>
/// The checks <c>sfdisk --verify</c> makes on the entries of a table whose CRCs are fine: every entry
/// inside the header's usable range, no two entries sharing a sector. A write into such a table could
/// land on another partition's bytes (an <c>_empty</c> slot overlapping the installed version), so a
/// writable open refuses it.
/// </summary>
internal static class GptTableCheck
{
    /// <summary>Out-of-range entries in entry order, then overlapping pairs in start order. O(n log n): a sweep
    /// over the entries sorted by start, comparing each with the furthest-reaching one before it.</summary>
    public static IReadOnlyList<GptLayoutProblem> Find(IReadOnlyList<GptPartition> partitions, ulong firstUsableLba, ulong lastUsableLba)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var problems = new List<GptLayoutProblem>();
        foreach (var p in partitions)
        {
            if (p.FirstLba < firstUsableLba || p.LastLba > lastUsableLba)
                problems.Add(new GptLayoutProblem(GptLayoutProblemKind.OutsideUsableRange, p));
        }

        GptPartition? furthest = null;
        foreach (var p in partitions.OrderBy(p => p.FirstLba).ThenBy(p => p.Number))
        {
            if (furthest is not null && p.FirstLba <= furthest.LastLba)
                problems.Add(new GptLayoutProblem(GptLayoutProblemKind.Overlap, furthest.Number < p.Number ? furthest : p, furthest.Number < p.Number ? p : furthest));
            if (furthest is null || p.LastLba > furthest.LastLba)
                furthest = p;
        }
        return problems;
    }

    /// <summary>One line for all problems (the first few named, the rest counted).</summary>
    public static string Describe(IReadOnlyList<GptLayoutProblem> problems, ulong firstUsableLba, ulong lastUsableLba)
    {
        const int Named = 4;
        string text = string.Join("; ", problems.Take(Named).Select(p => p.Describe(firstUsableLba, lastUsableLba)));
        return problems.Count > Named ? $"{text}; and {problems.Count - Named} more" : text;
    }
}
