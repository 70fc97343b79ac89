using System.CommandLine;
using System.Reflection;
using Microsoft.Extensions.Logging;
using SysUpdate.Core;
using SysUpdate.Core.Config;
using SysUpdate.Varlink.Server;

namespace SysUpdate.Cli.Varlink;

/// <summary>
/// <c>varlink [--listen PATH]</c>: serves <c>io.systemd.SysUpdate</c> on the sockets passed by socket
/// activation (LISTEN_FDS/LISTEN_PID; a listening socket from <c>Accept=no</c>, a connection from
/// <c>Accept=yes</c>) or on a socket it binds at PATH. Honours <c>--root</c>, <c>--definitions</c>
/// (for the host target) and the other global options; <c>SYSTEMD_SYSUPDATE_NO_VERIFY=1</c> turns
/// signature verification off. Serves until SIGTERM/SIGINT, or until the activated connections end
/// and the detached jobs started over them have ended.
/// </summary>
internal static class VarlinkCommand
{
    public static readonly Option<string?> Listen = new("--listen") { Description = "Bind and serve this Unix socket instead of activated ones", HelpName = "PATH" };

    public static Command Create(CliApp app)
    {
        var command = new Command("varlink", "Serve the io.systemd.SysUpdate Varlink interface") { Listen };
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, (cli, token) => ServeAsync(cli, parse.GetValue(Listen), token)));
        return command;
    }

    public static async Task<int> ServeAsync(CliInvocation cli, string? listen, CancellationToken cancellationToken)
    {
        cli.RequireNoFeatureSelection("varlink");
        cli.RequireNoComponentSelection("varlink");
        var options = cli.Options with { Component = null };
        if (Environment.GetEnvironmentVariable("SYSTEMD_SYSUPDATE_NO_VERIFY") is { } noVerify
            && ConfigValues.TryParseBoolean(noVerify, out bool off) && off)
            options = options with { Verify = false };

        var service = new SysUpdateService(options, cli.Logger) { Stopping = cancellationToken };
        var logger = cli.Logger;
        var server = new VarlinkServer(new VarlinkServerOptions
        {
            Vendor = "SysUpdate",
            Product = "sysupdate",
            Version = typeof(VarlinkCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0",
            Url = "https://github.com/systemd/systemd",
            // Local clients (updatectl, agents, tests) may open many connections; the socket unit limits per source.
            MaxConnectionsPerUid = 128,
            Log = (level, message, exception) =>
            {
                string text = exception is null ? message : $"{message}: {exception.Message}";
                switch (level)
                {
                    case VarlinkLogLevel.Error:
                        SysUpdateLog.Warning(logger, exception is SysUpdateException or null ? text : $"{message}: {exception}");
                        break;
                    case VarlinkLogLevel.Warning:
                        SysUpdateLog.Warning(logger, text);
                        break;
                    default:
                        if (logger.IsEnabled(LogLevel.Debug))
                            SysUpdateLog.Info(logger, text);
                        break;
                }
            },
        }).AddInterface(service.CreateRegistration());

        if (listen is not null)
        {
            await server.ListenAsync(Path.GetFullPath(listen), cancellationToken).ConfigureAwait(false);
            await service.Detached.WhenAllEndedAsync().ConfigureAwait(false);
            return 0;
        }

        var sockets = SocketActivation.TakeSockets();
        if (sockets.Count == 0)
            throw CliInvocation.Fail("No sockets passed by socket activation (LISTEN_FDS); use --listen=PATH to bind one.");
        await server.ServeActivatedAsync(sockets, cancellationToken).ConfigureAwait(false);
        // One process per connection (Accept=yes): a detached job outlives the connection, not the process.
        await service.Detached.WhenAllEndedAsync().ConfigureAwait(false);
        return 0;
    }
}
