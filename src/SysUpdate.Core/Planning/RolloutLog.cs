using Microsoft.Extensions.Logging;

namespace SysUpdate.Core.Planning;

internal static partial class RolloutLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Version '{Version}' is held back by staged rollout ({Share}): this machine is not in that share yet.")]
    public static partial void HeldBack(this ILogger logger, string version, string share);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No valid machine ID in {Path}: this machine waits until a staged rollout reaches 100 %.")]
    public static partial void NoMachineId(this ILogger logger, string path);
}
