using Microsoft.Extensions.Logging;

namespace SysUpdate.Core;

/// <summary>The engine's log messages, worded as upstream words them so that scripts and people
/// who know systemd-sysupdate recognise them.</summary>
internal static partial class SysUpdateLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Diagnostic}")]
    public static partial void ConfigWarning(this ILogger logger, string diagnostic);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discovering available instances…")]
    public static partial void DiscoveringAvailable(this ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Discovering installed instances…")]
    public static partial void DiscoveringInstalled(this ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Determining installed update sets…")]
    public static partial void DeterminingInstalled(this ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Determining available update sets…")]
    public static partial void DeterminingAvailable(this ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "No update needed.")]
    public static partial void NoUpdateNeeded(this ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Selected update '{Version}' is already installed, but incomplete. Repairing.")]
    public static partial void Repairing(this ILogger logger, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Selected update '{Version}' is already acquired and pending installation.")]
    public static partial void AlreadyPending(this ILogger logger, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Selected update '{Version}' is already installed. Skipping update.")]
    public static partial void AlreadyInstalled(this ILogger logger, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Selected update '{Version}' is not the newest, proceeding anyway.")]
    public static partial void NotNewest(this ILogger logger, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Selected update '{Version}' is older than newest installed version, proceeding anyway.")]
    public static partial void OlderThanInstalled(this ILogger logger, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Selected update '{Version}' is older than the booted version '{Booted}', proceeding anyway.")]
    public static partial void OlderThanBooted(this ILogger logger, string version, string booted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Newest available version '{Version}' is older than the booted version '{Booted}', not offering it. Name it explicitly to downgrade.")]
    public static partial void DowngradeHeldBack(this ILogger logger, string version, string booted);

    [LoggerMessage(Level = LogLevel.Information, Message = "Selected update '{Version}' for install.")]
    public static partial void SelectedForInstall(this ILogger logger, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Making room…")]
    public static partial void MakingRoom(this ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Making room for {Space} updates…")]
    public static partial void MakingRoomFor(this ILogger logger, ulong space);

    [LoggerMessage(Level = LogLevel.Information, Message = "♻ Removing old {Kind} '{Path}' ({Type}).")]
    public static partial void RemovingTemporaryInstance(this ILogger logger, string kind, string path, string type);

    [LoggerMessage(Level = LogLevel.Information, Message = "♻ Removing {Why} '{Path}' ({Type}).")]
    public static partial void RemovingInstance(this ILogger logger, string why, string path, string type);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Summary}")]
    public static partial void VacuumSummary(this ILogger logger, string summary);

    [LoggerMessage(Level = LogLevel.Information, Message = "⤵ Acquiring {Source} → {Where}...")]
    public static partial void Acquiring(this ILogger logger, string source, string where);

    [LoggerMessage(Level = LogLevel.Information, Message = "No need to acquire '{Path}', already installed.")]
    public static partial void NoNeedToAcquire(this ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Successfully acquired '{Path}'.")]
    public static partial void Acquired(this ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resource '{Path}' instance is already in the target but is not pending.")]
    public static partial void AlreadyInTarget(this ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Successfully installed '{Source}' ({SourceType}) as '{Final}' ({TargetType}).")]
    public static partial void InstalledInstance(this ILogger logger, string source, string sourceType, string final, string targetType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Updated symlink '{Link}' → '{Target}'.")]
    public static partial void UpdatedSymlink(this ILogger logger, string link, string target);

    [LoggerMessage(Level = LogLevel.Information, Message = "✨ Successfully installed update '{Version}'.")]
    public static partial void InstalledUpdate(this ILogger logger, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    public static partial void Warning(this ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Message}")]
    public static partial void Info(this ILogger logger, string message);
}
