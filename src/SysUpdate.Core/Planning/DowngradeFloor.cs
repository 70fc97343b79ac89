using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Planning;

/// <summary>
/// Downgrade protection: a version older than the booted one (the host's <c>IMAGE_VERSION=</c>) is
/// never picked on its own. It is still listed and still installs when the user names it.
/// </summary>
internal sealed record DowngradeFloor(string BootedVersion)
{
    public bool Refuses(string version) => VersionComparer.Compare(version, BootedVersion) < 0;
}
