using System.CommandLine;
using SysUpdate.Cli.Jobs;
using SysUpdate.Cli.Output;
using SysUpdate.Core;
using SysUpdate.Core.Planning;

namespace SysUpdate.Cli.Commands.Vacuum;

/// <summary><c>vacuum</c>: removes old, partial and pending instances and those of disabled transfers.</summary>
internal static class VacuumCommand
{
    public static Command Create(CliApp app)
    {
        var command = new Command("vacuum", "Make room, by deleting old versions");
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, ExecuteAsync));
        return command;
    }

    public static async Task<int> ExecuteAsync(CliInvocation cli, CancellationToken cancellationToken)
    {
        cli.RequireNoFeatureSelection("vacuum");
        cli.RequireNoComponentSelection("vacuum");
        if (cli.Options.InstancesMax is < 1)
            throw CliInvocation.Fail("The --instances-max= argument must be >= 1 while vacuuming");
        var result = await CommandLineJob.RunAsync(cli, JobType.Vacuum, null, async (_, token) =>
        {
            using var context = await UpdateContext.LoadOfflineAsync(cli.Options, LoadRequirements.AnyTransfers | LoadRequirements.LockTargets, cli.Logger, token).ConfigureAwait(false);
            return await Core.Planning.Vacuum.RunAsync(context, 0, null, token).ConfigureAwait(false);
        }, _ => JobEnd.Succeeded, cancellationToken).ConfigureAwait(false);
        if (cli.Json == JsonMode.Off)
        {
            cli.Logger.VacuumSummary(Core.Planning.Vacuum.Summary(result));
            return 0;
        }
        JsonOutput.Write(cli.Output, cli.Json, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("removed", result.Removed);
            w.WriteNumber("disabledTransfers", result.DisabledTransfers);
            w.WriteEndObject();
        });
        return 0;
    }
}
