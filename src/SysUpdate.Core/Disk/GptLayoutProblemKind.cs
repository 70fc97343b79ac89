namespace SysUpdate.Core.Disk;

internal enum GptLayoutProblemKind
{
    /// <summary>The entry starts before the first or ends after the last usable LBA of the header.</summary>
    OutsideUsableRange,

    /// <summary>Two entries share at least one sector.</summary>
    Overlap,
}
