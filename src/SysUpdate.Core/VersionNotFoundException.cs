namespace SysUpdate.Core;

/// <summary>The version asked for is neither installed nor available.</summary>
public sealed class VersionNotFoundException : SysUpdateException
{
    public VersionNotFoundException(string version) : base($"Update '{version}' not found.")
    {
        Version = version;
        Errno = Errno.ENOENT;
    }

    public string Version { get; }
}
