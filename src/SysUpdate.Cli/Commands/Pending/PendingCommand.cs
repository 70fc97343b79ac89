using System.CommandLine;
using SysUpdate.Cli.Notify;
using SysUpdate.Core;
using SysUpdate.Core.Planning;

namespace SysUpdate.Cli.Commands.Pending;

/// <summary><c>pending</c> (exit 0 when a newer version than the booted one is installed) and
/// <c>reboot</c> (reboot in that case).</summary>
internal static class PendingCommand
{
    public static Command Create(CliApp app, string verb)
    {
        var command = new Command(verb, verb == "pending"
            ? "Report whether a newer version is installed than currently booted"
            : "Reboot if a newer version is installed than booted");
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, (cli, token) => ExecuteAsync(cli, verb, token)));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliInvocation cli, string verb, CancellationToken cancellationToken)
    {
        if (cli.Options.RootIsExplicit)
            throw CliInvocation.Fail($"The --root=/--image= switches may not be combined with the '{verb}' operation.");
        cli.RequireNoFeatureSelection(verb);
        if (cli.Options.Component is not null || cli.ComponentSelect != SelectMode.Explicit)
            throw CliInvocation.Fail($"The --component=, --component-all and --component-suggested switches may not be combined with the '{verb}' operation, which only applies to the booted OS version.");

        using var context = await UpdateContext.LoadOfflineAsync(cli.Options,
            LoadRequirements.EnabledTransfers | LoadRequirements.AnyTransfers | LoadRequirements.EnabledComponent,
            cli.Logger, cancellationToken).ConfigureAwait(false);
        context.PlanInstalledOnly();
        var newest = context.Plan.NewestInstalled
            ?? throw CliInvocation.Fail("Couldn't find any suitable installed versions.", Errno.ENODATA);
        string booted = context.Host.OsRelease("IMAGE_VERSION")
            ?? throw CliInvocation.Fail("/etc/os-release lacks IMAGE_VERSION= field.", Errno.ENODATA);

        var comparison = PendingRestart.Compare(newest.Version, booted);
        if (comparison == InstalledVersusBooted.Newer)
        {
            SysUpdateLog.Info(cli.Logger, $"Newest installed version '{newest.Version}' is newer than booted version '{booted}'.{(verb == "pending" ? " Reboot recommended." : "")}");
            if (verb == "reboot")
                await Reboot.NowAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
        if (comparison == InstalledVersusBooted.Same)
            SysUpdateLog.Info(cli.Logger, $"Newest installed version '{newest.Version}' matches booted version '{booted}'.");
        else
            SysUpdateLog.Warning(cli.Logger, $"Newest installed version '{newest.Version}' is older than booted version '{booted}'.");
        return verb == "pending" ? 1 : 0;
    }
}
