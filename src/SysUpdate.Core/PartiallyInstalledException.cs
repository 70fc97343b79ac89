namespace SysUpdate.Core;

/// <summary>
/// The selected version is partial in a target because its download did not match the manifest's
/// hash (a verdict was recorded): as systemd 262.1, it is not retried until it is vacuumed.
/// </summary>
public sealed class PartiallyInstalledException : SysUpdateException
{
    public PartiallyInstalledException(string version)
        : base($"Selected update '{version}' is already acquired and partially installed. Vacuum it to try installing again.")
    {
        Version = version;
        Errno = Errno.EUCLEAN;
    }

    public string Version { get; }
}
