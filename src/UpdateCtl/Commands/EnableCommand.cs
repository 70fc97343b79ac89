using System.CommandLine;
using System.Text.Json;

namespace UpdateCtl.Commands;

/// <summary>
/// <c>enable FEATURE…</c> / <c>disable FEATURE…</c> on the host; with <c>--now</c>, enable also
/// installs the feature's transfers for the current version and disable vacuums their instances.
/// </summary>
internal static class EnableCommand
{
    public static Command Create(UpdateCtlApp app, bool enable)
    {
        var features = new Argument<string[]>("FEATURE") { Arity = ArgumentArity.OneOrMore, Description = "Features to " + (enable ? "enable" : "disable") };
        var now = new Option<bool>("--now") { Description = enable ? "Download and install the feature's files now" : "Remove the feature's files now" };
        var command = new Command(enable ? "enable" : "disable", enable ? "Enable optional features" : "Disable optional features") { features, now };
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, (session, token) => ExecuteAsync(session, enable, parse.GetValue(features) ?? [], parse.GetValue(now), token)));
        return command;
    }

    private static async Task<int> ExecuteAsync(Session session, bool enable, string[] features, bool now, CancellationToken cancellationToken)
    {
        foreach (var feature in features)
        {
            await session.CallAsync("SetFeatureEnabled", TargetSpec.Host.Parameters(("feature", feature), ("enabled", enable)), cancellationToken).ConfigureAwait(false);
            session.Output.WriteLine($"Feature '{feature}' {(enable ? "enabled" : "disabled")}.");
        }
        if (!now)
            return 0;
        if (!enable)
            return await VacuumCommand.ExecuteAsync(session, ["host"], cancellationToken).ConfigureAwait(false);

        var current = await session.CallAsync("GetVersion", TargetSpec.Host.Parameters(), cancellationToken).ConfigureAwait(false);
        string? version = current.TryGetProperty("version", out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return await UpdateCommand.ExecuteAsync(session, [TargetSpec.Host with { Version = version }], cancellationToken).ConfigureAwait(false);
    }
}
