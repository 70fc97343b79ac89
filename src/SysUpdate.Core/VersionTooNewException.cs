namespace SysUpdate.Core;

/// <summary>The version asked for is newer than a <c>MaxVersion=</c> of its transfers or component.</summary>
internal sealed class VersionTooNewException : SysUpdateException
{
    public VersionTooNewException(string version)
        : base($"Selected update '{version}' is too new, refusing.")
    {
        Version = version;
        Errno = Errno.EINVAL;
    }

    public string Version { get; }
}
