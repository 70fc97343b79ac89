using System.CommandLine;
using SysUpdate.Cli.Output;
using SysUpdate.Core.Planning;

namespace SysUpdate.Cli.Commands.CheckNew;

/// <summary><c>check-new</c>: prints the candidate version; exit 1 when there is none.</summary>
internal static class CheckNewCommand
{
    public static Command Create(CliApp app)
    {
        var command = new Command("check-new", "Check if there's a new version available");
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, ExecuteAsync));
        return command;
    }

    public static async Task<int> ExecuteAsync(CliInvocation cli, CancellationToken cancellationToken)
    {
        cli.RequireNoFeatureSelection("check-new");
        cli.RequireNoComponentSelection("check-new");
        using var context = await UpdateContext.LoadOnlineAsync(cli.Options, LoadRequirements.EnabledTransfers | LoadRequirements.AnyTransfers,
            cli.Logger, cancellationToken).ConfigureAwait(false);
        var candidate = context.Plan.Candidate;
        if (cli.Json == JsonMode.Off)
        {
            if (candidate is null)
                return 1;
            cli.Output.WriteLine(candidate.Version);
            return 0;
        }
        JsonOutput.Write(cli.Output, cli.Json, w =>
        {
            w.WriteStartObject();
            w.WriteNullableString("available", candidate?.Version);
            w.WriteEndObject();
        });
        return candidate is null ? 1 : 0;
    }
}
