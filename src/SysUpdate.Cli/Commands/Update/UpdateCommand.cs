using System.CommandLine;
using SysUpdate.Cli.Notify;
using SysUpdate.Core;
using SysUpdate.Core.Config;
using SysUpdate.Core.Planning;
using SysUpdate.Core.Versions;

namespace SysUpdate.Cli.Commands.Update;

/// <summary>
/// <c>update [VERSION]</c> (acquire and install; with <c>--offline</c> install what is pending) and
/// <c>acquire [VERSION]</c> (download only, leave pending), with <c>--component-all</c>,
/// <c>--cleanup</c> and <c>--reboot</c>.
/// </summary>
internal static class UpdateCommand
{
    [Flags]
    private enum Actions
    {
        Acquire = 1,
        Install = 2,
    }

    public static Command CreateUpdate(CliApp app)
    {
        var version = new Argument<string?>("VERSION") { Arity = ArgumentArity.ZeroOrOne, Description = "Install this version instead of the newest" };
        var command = new Command("update", "Install new version now") { version };
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, (cli, token) =>
            ExecuteAsync(cli, parse.GetValue(version), cli.Options.Offline ? Actions.Install : Actions.Acquire | Actions.Install, "update", token)));
        return command;
    }

    public static Command CreateAcquire(CliApp app)
    {
        var version = new Argument<string?>("VERSION") { Arity = ArgumentArity.ZeroOrOne, Description = "Acquire this version instead of the newest" };
        var command = new Command("acquire", "Acquire (download) new version now") { version };
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, (cli, token) =>
            ExecuteAsync(cli, parse.GetValue(version), Actions.Acquire, "acquire", token)));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliInvocation cli, string? version, Actions actions, string verb, CancellationToken cancellationToken)
    {
        cli.RequireNoFeatureSelection(verb);
        if (cli.ComponentSelect == SelectMode.Suggested)
            throw CliInvocation.Fail($"--component-suggested currently not supported for '{verb}'.", "EOPNOTSUPP");
        if (cli.Options.InstancesMax is < 2)
            throw CliInvocation.Fail("The --instances-max= argument must be >= 2 while updating");

        string? booted = null;
        if (cli.Options.Reboot)
        {
            booted = new HostIdentity(cli.Options.Root).OsRelease("IMAGE_VERSION")
                ?? throw CliInvocation.Fail("/etc/os-release lacks IMAGE_VERSION field.", "ENODATA");
        }

        if (cli.ComponentSelect != SelectMode.All)
            return await UpdateOneAsync(cli, version, booted, actions, cancellationToken).ConfigureAwait(false);

        var errors = new List<SysUpdateException>();
        try
        {
            await UpdateOneAsync(cli, version, booted, actions, cancellationToken).ConfigureAwait(false);
        }
        catch (SysUpdateException ex) when (ex.ErrnoName == "ENOENT")
        {
            // A missing default installation is fine when updating all components.
        }
        catch (SysUpdateException ex)
        {
            errors.Add(ex);
        }
        foreach (var component in DefinitionLoader.EnumerateComponents(cli.Options.Root))
        {
            try
            {
                await UpdateOneAsync(cli.WithComponent(component), version, booted, actions, cancellationToken).ConfigureAwait(false);
            }
            catch (SysUpdateException ex) when (ex.ErrnoName == "EHOSTDOWN")
            {
                // Disabled components are skipped silently under --component-all.
            }
            catch (SysUpdateException ex)
            {
                errors.Add(ex);
            }
        }
        if (errors.Count > 0)
        {
            foreach (var e in errors.SkipLast(1))
                cli.Error.WriteLine(e.Message);
            throw errors[^1];
        }
        return 0;
    }

    private static async Task<int> UpdateOneAsync(CliInvocation cli, string? version, string? booted, Actions actions, CancellationToken cancellationToken)
    {
        UpdateContext context;
        try
        {
            context = await UpdateContext.LoadOnlineAsync(cli.Options,
                LoadRequirements.EnabledTransfers | LoadRequirements.AnyTransfers | LoadRequirements.EnabledComponent,
                cli.Logger, cancellationToken).ConfigureAwait(false);
        }
        catch (SysUpdateException ex) when (ex.ErrnoName == "ENOENT" && cli.Options.Cleanup == true)
        {
            // No transfers at all: still clean up what earlier definitions installed.
            await CleanupCommand.RunForContextlessAsync(cli).ConfigureAwait(false);
            throw;
        }

        using var contextScope = context;
        using var notify = new SdNotify(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"));
        var display = new ProgressDisplay(notify, cli.Error, interactive: !Console.IsErrorRedirected && cli.Json == Output.JsonMode.Off,
            showPlainLines: cli.Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information));
        var operations = new UpdateOperations(context, display);

        var staged = actions.HasFlag(Actions.Acquire)
            ? await operations.AcquireAsync(version, cancellationToken).ConfigureAwait(false)
            : await operations.ProcessPendingAsync(version, cancellationToken).ConfigureAwait(false);

        UpdateOperations.Installed? installed = null;
        if (actions.HasFlag(Actions.Install) && staged is not null)
        {
            installed = await operations.InstallAsync(staged, cancellationToken).ConfigureAwait(false);
            if (!cli.Options.RootIsExplicit)
                await CompletedUpdateNotifier.NotifyAsync(context, installed, cli.Logger, cancellationToken).ConfigureAwait(false);
        }
        else if (actions.HasFlag(Actions.Install) && Environment.GetEnvironmentVariable("SYSTEMD_SYSUPDATE_FORCE_NOTIFY") is { } force
            && ConfigValues.TryParseBoolean(force, out bool forced) && forced)
        {
            await CompletedUpdateNotifier.NotifyAsync(context, null, cli.Logger, cancellationToken).ConfigureAwait(false);
        }

        if (cli.Options.Cleanup == true)
            CleanupCommand.RunForContext(context);

        if (installed is not null && cli.Options.Reboot && booted is not null)
        {
            int cmp = VersionComparer.Compare(installed.Set.Version, booted);
            if (cmp > 0)
            {
                SysUpdateLog.Info(cli.Logger, "Newly installed version is newer than booted version, rebooting.");
                await Reboot.NowAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (cmp == 0 && installed.Set.Has(UpdateSetFlags.Incomplete))
            {
                SysUpdateLog.Info(cli.Logger, "Currently booted version was incomplete and has been repaired, rebooting.");
                await Reboot.NowAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                SysUpdateLog.Info(cli.Logger, "Booted version is newer or identical to newly installed version, not rebooting.");
            }
        }
        return 0;
    }
}
