using System.CommandLine;
using SysUpdate.Cli.Jobs;
using SysUpdate.Cli.Notify;
using SysUpdate.Core;
using SysUpdate.Core.Config;
using SysUpdate.Core.Operations;
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
            throw CliInvocation.Fail($"--component-suggested currently not supported for '{verb}'.", Errno.EOPNOTSUPP);
        if (cli.Options.InstancesMax is < 2)
            throw CliInvocation.Fail("The --instances-max= argument must be >= 2 while updating");

        string? booted = null;
        if (cli.Options.Reboot)
        {
            booted = new HostIdentity(cli.Options.Root).OsRelease("IMAGE_VERSION")
                ?? throw CliInvocation.Fail("/etc/os-release lacks IMAGE_VERSION field.", Errno.ENODATA);
        }

        if (cli.ComponentSelect != SelectMode.All)
            return await UpdateOneAsync(cli, version, booted, actions, cancellationToken).ConfigureAwait(false);

        // The default installation, then every component. Exactly two outcomes are skipped: nothing
        // defined there, and a disabled component. Every other failure is reported and fails the run.
        var errors = new List<SysUpdateException>();
        foreach (string? component in DefinitionLoader.EnumerateComponents(cli.Options.Root).Prepend(null))
        {
            try
            {
                await UpdateOneAsync(cli.WithComponent(component), version, booted, actions, cancellationToken).ConfigureAwait(false);
            }
            catch (NoDefinitionsException)
            {
            }
            catch (ComponentDisabledException)
            {
            }
            catch (SysUpdateException ex)
            {
                errors.Add(ex);
            }
        }
        if (errors.Count > 0)
        {
            foreach (var e in errors.SkipLast(1))
                await cli.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            throw errors[^1];
        }
        return 0;
    }

    private static async Task<int> UpdateOneAsync(CliInvocation cli, string? version, string? booted, Actions actions, CancellationToken cancellationToken)
    {
        var type = actions switch
        {
            Actions.Acquire => JobType.Acquire,
            Actions.Install => JobType.Install,
            _ => JobType.Update,
        };
        await CommandLineJob.RunAsync(cli, type, version, (job, token) => RunJobAsync(cli, version, booted, actions, job, token),
            JobEnd.ForVersion, cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>The change itself; returns the acquired or installed version, null when there was nothing to do.</summary>
    private static async Task<string?> RunJobAsync(CliInvocation cli, string? version, string? booted, Actions actions, RunningJob? job, CancellationToken cancellationToken)
    {
        UpdateContext context;
        try
        {
            context = await UpdateContext.LoadOnlineAsync(cli.Options, ChangeRunner.Requirements, cli.Logger, cancellationToken).ConfigureAwait(false);
        }
        catch (NoDefinitionsException noDefinitions) when (cli.Options.Cleanup == true)
        {
            // The directories were read and define nothing: what earlier definitions installed is orphaned.
            await OrphanCleanup.RunWithoutDefinitionsAsync(cli.Options, noDefinitions, cli.Logger, cancellationToken).ConfigureAwait(false);
            throw;
        }

        using var contextScope = context;
        using var notify = new SdNotify(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"));
        var display = new ProgressDisplay(notify, cli.Error, interactive: !Console.IsErrorRedirected && cli.Json == Output.JsonMode.Off,
            showPlainLines: cli.Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information));

        var operation = actions switch
        {
            Actions.Acquire => ChangeOperation.Acquire,
            Actions.Install => ChangeOperation.Install,
            _ => ChangeOperation.Update,
        };
        var outcome = await ChangeRunner.RunAsync(context, operation, version, new ProgressTee(display, job), cancellationToken).ConfigureAwait(false);
        var installed = outcome.Installed;
        if (installed is not null)
        {
            if (!cli.Options.RootIsExplicit)
                await CompletedUpdateNotifier.NotifyAsync(context, installed, cli.Logger, CancellationToken.None).ConfigureAwait(false);
        }
        else if (actions.HasFlag(Actions.Install) && Environment.GetEnvironmentVariable("SYSTEMD_SYSUPDATE_FORCE_NOTIFY") is { } force
            && ConfigValues.TryParseBoolean(force, out bool forced) && forced)
        {
            await CompletedUpdateNotifier.NotifyAsync(context, null, cli.Logger, cancellationToken).ConfigureAwait(false);
        }

        if (cli.Options.Cleanup == true)
            await OrphanCleanup.RunAsync(context, cancellationToken).ConfigureAwait(false);

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
        return outcome.Set?.Version;
    }
}
