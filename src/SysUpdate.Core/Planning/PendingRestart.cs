using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Planning;

/// <summary>
/// What <c>sysupdate pending</c> decides, for the verb and for Varlink's <c>GetTargetState</c>: a
/// restart is pending when the newest installed version is newer than the booted one (the host's
/// <c>IMAGE_VERSION=</c>).
/// </summary>
internal static class PendingRestart
{
    public static InstalledVersusBooted Compare(string newestInstalled, string booted) =>
        VersionComparer.Compare(newestInstalled, booted) switch
        {
            > 0 => InstalledVersusBooted.Newer,
            0 => InstalledVersusBooted.Same,
            _ => InstalledVersusBooted.Older,
        };

    /// <summary>False when either version is unknown (nothing installed, no <c>IMAGE_VERSION=</c>, a component).</summary>
    public static bool IsPending(string? newestInstalled, string? booted) =>
        newestInstalled is not null && booted is not null && Compare(newestInstalled, booted) == InstalledVersusBooted.Newer;
}
