namespace SysUpdate.Core.Planning;

/// <summary>How the newest installed version compares with the booted one.</summary>
internal enum InstalledVersusBooted
{
    /// <summary>A newer version is installed: a restart is pending.</summary>
    Newer,
    Same,
    Older,
}
