using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SysUpdate.Core;
using SysUpdate.Core.Planning;
using SysUpdate.Varlink;
using SysUpdate.Varlink.Client;

namespace SysUpdate.Cli.Notify;

/// <summary>
/// After an install, calls <c>io.systemd.SysUpdate.Notify.OnCompletedUpdate</c> on every socket in
/// <c>/run/systemd/sysupdate/notify/</c> (5 minutes each); a subscriber's failure is only logged.
/// </summary>
internal static class CompletedUpdateNotifier
{
    public const string Directory = "/run/systemd/sysupdate/notify";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static async Task NotifyAsync(UpdateContext context, UpdateOperations.Installed? installed, ILogger logger, CancellationToken cancellationToken)
    {
        string directory = context.Options.Environment("SYSUPDATE_NOTIFY_DIRECTORY") ?? Directory;
        if (!System.IO.Directory.Exists(directory))
            return;

        var parameters = new JsonObject();
        if (context.Component is { } component)
            parameters["component"] = component;
        if (installed is not null)
        {
            parameters["version"] = installed.Set.Version;
            var resources = new JsonArray();
            for (int i = 0; i < context.Transfers.Count; i++)
            {
                if (installed.Paths[i] is not { } path)
                    continue;
                resources.Add((JsonNode)new JsonObject { ["transfer"] = context.Transfers[i].Id, ["path"] = path });
            }
            if (resources.Count > 0)
                parameters["resources"] = resources;
        }

        foreach (var socket in System.IO.Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            try
            {
                await using var client = await VarlinkClient.ConnectAsync(socket, timeout.Token).ConfigureAwait(false);
                await client.CallAsync("io.systemd.SysUpdate.Notify.OnCompletedUpdate", (JsonObject)parameters.DeepClone(), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is VarlinkException or IOException or System.Net.Sockets.SocketException
                                       || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                SysUpdateLog.Warning(logger, $"Notification subscriber '{socket}' returned error, ignoring: {ex.Message}");
            }
        }
    }
}
