namespace SysUpdate.Core.Disk;

/// <summary>The partition table's CRCs are fine but its entries overlap or leave the usable range, so
/// writing to it is refused (see <see cref="GptTableCheck"/>).</summary>
internal sealed class GptLayoutException : SysUpdateException
{
    public GptLayoutException(string disk, IReadOnlyList<GptLayoutProblem> problems, string description)
        : base($"{disk}: GPT {description}; refusing to write — repair the partition table (sfdisk --verify {disk})")
    {
        Disk = disk;
        Problems = problems;
        Errno = Errno.EUCLEAN;
    }

    public string Disk { get; }

    public IReadOnlyList<GptLayoutProblem> Problems { get; }
}
