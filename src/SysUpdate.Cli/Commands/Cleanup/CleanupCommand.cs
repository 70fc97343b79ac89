using System.CommandLine;
using SysUpdate.Core;
using SysUpdate.Core.Config;
using SysUpdate.Core.Operations;
using SysUpdate.Core.Planning;

namespace SysUpdate.Cli.Commands;

/// <summary><c>cleanup</c>: removes files installed by transfers that no longer exist or no longer claim them.</summary>
internal static class CleanupCommand
{
    public static Command Create(CliApp app)
    {
        var command = new Command("cleanup", "Clean up orphaned files");
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, ExecuteAsync));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliInvocation cli, CancellationToken cancellationToken)
    {
        if (cli.Options.Cleanup == false)
            throw CliInvocation.Fail("Invocation of 'cleanup' with --cleanup=no is contradictory, refusing.");
        cli.RequireNoFeatureSelection("cleanup");
        if (cli.ComponentSelect == SelectMode.Suggested)
            throw CliInvocation.Fail("--component-suggested currently not supported for 'cleanup'.", Errno.EOPNOTSUPP);

        using (var context = await UpdateContext.LoadOfflineAsync(cli.Options, LoadRequirements.LockTargets, cli.Logger, cancellationToken).ConfigureAwait(false))
            await OrphanCleanup.RunAsync(context, cancellationToken).ConfigureAwait(false);
        if (cli.ComponentSelect == SelectMode.All)
        {
            string varLib = Path.Combine(cli.Options.Root, "var/lib/systemd/sysupdate");
            var components = Directory.Exists(varLib)
                ? Directory.EnumerateDirectories(varLib, "installdb.*").Select(d => Path.GetFileName(d)["installdb.".Length..]).Order(StringComparer.Ordinal).ToList()
                : [];
            foreach (var component in components)
            {
                using var componentContext = await UpdateContext.LoadOfflineAsync(cli.WithComponent(component).Options, LoadRequirements.LockTargets, cli.Logger, cancellationToken).ConfigureAwait(false);
                await OrphanCleanup.RunAsync(componentContext, cancellationToken).ConfigureAwait(false);
            }
        }
        return 0;
    }
}
