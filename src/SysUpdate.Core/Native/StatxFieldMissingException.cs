namespace SysUpdate.Core.Native;

/// <summary>statx(2) succeeded but the file system left out a field we asked for (its bit is clear in
/// <c>stx_mask</c>), so that field's value cannot be trusted.</summary>
internal sealed class StatxFieldMissingException : SysUpdateException
{
    public StatxFieldMissingException(string path, uint missingMask)
        : base($"{path}: the file system does not report every file attribute asked for (statx mask 0x{missingMask:x} missing); use a file system that does")
    {
        Path = path;
        MissingMask = missingMask;
        Errno = Errno.EOPNOTSUPP;
    }

    public string Path { get; }

    public uint MissingMask { get; }
}
