using System.CommandLine;
using SysUpdate.Cli.Output;
using SysUpdate.Core;
using SysUpdate.Core.Config;
using SysUpdate.Core.Planning;

namespace SysUpdate.Cli.Commands.Features;

/// <summary><c>features [FEATURE]</c>: the optional features, or one in detail.</summary>
internal static class FeaturesCommand
{
    public static Command Create(CliApp app)
    {
        var name = new Argument<string?>("FEATURE") { Arity = ArgumentArity.ZeroOrOne, Description = "Show details of this feature" };
        var command = new Command("features", "Show optional features") { name };
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, (cli, token) => ExecuteAsync(cli, parse.GetValue(name), token)));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliInvocation cli, string? featureId, CancellationToken cancellationToken)
    {
        cli.RequireNoFeatureSelection("features");
        cli.RequireNoComponentSelection("features");
        using var context = await UpdateContext.LoadOfflineAsync(cli.Options, LoadRequirements.AnyTransfers, cli.Logger, cancellationToken).ConfigureAwait(false);
        var definitions = context.Definitions;
        var features = definitions.Features.OrderBy(f => f.Id, StringComparer.Ordinal).ToList();

        if (featureId is not null)
        {
            var feature = definitions.FindFeature(featureId)
                ?? throw CliInvocation.Fail($"Optional feature not found: {featureId}", Errno.ENOENT);
            var transfers = TransfersOf(definitions, feature.Id);
            bool suggested = SuggestConditions.Evaluate(feature.Suggest, feature.SuggestConditions, context.Host);
            if (cli.Json != JsonMode.Off)
            {
                JsonOutput.Write(cli.Output, cli.Json, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("name", feature.Id);
                    w.WriteBoolean("enabled", feature.Enabled);
                    w.WriteBoolean("suggested", suggested);
                    if (feature.Description is { } d) w.WriteString("description", d);
                    if (feature.Documentation is { } doc) w.WriteString("documentation", doc);
                    if (feature.AppStream is { } a) w.WriteString("appstream", a);
                    w.WriteStringArray("transfers", transfers);
                    w.WriteEndObject();
                });
                return 0;
            }
            var fields = new List<(string, string)>
            {
                ("Name", feature.Id),
                ("Enabled", feature.Enabled ? "yes" : "no"),
                ("Suggested", suggested ? "yes" : "no"),
            };
            if (feature.Description is { } description) fields.Add(("Description", description));
            if (feature.Documentation is { } documentation) fields.Add(("Documentation", documentation));
            if (feature.AppStream is { } appstream) fields.Add(("AppStream", appstream));
            if (transfers.Count > 0) fields.Add(("Transfers", string.Join(' ', transfers)));
            int width = fields.Max(f => f.Item1.Length);
            foreach (var (key, value) in fields)
                cli.Output.WriteLine($"{key.PadLeft(width)}: {value}");
            return 0;
        }

        if (cli.Json != JsonMode.Off)
        {
            JsonOutput.Write(cli.Output, cli.Json, w =>
            {
                w.WriteStartObject();
                w.WriteStringArray("features", features.Select(f => f.Id));
                w.WriteEndObject();
            });
            return 0;
        }
        if (features.Count == 0)
        {
            Core.SysUpdateLog.Info(cli.Logger, "No features.");
            return 0;
        }
        var table = new TextTable("enabled", "suggested", "feature", "description", "documentation");
        foreach (var f in features)
        {
            table.AddRow(f.Enabled ? "✓" : "✗", SuggestConditions.Evaluate(f.Suggest, f.SuggestConditions, context.Host) ? "✓" : "✗",
                f.Id, f.Description, f.Documentation);
        }
        table.Write(cli.Output, cli.Legend);
        if (cli.Legend)
            cli.Output.WriteLine($"\n{features.Count} features listed.");
        return 0;
    }

    /// <summary>Transfers (enabled or not) that name the feature in <c>Features=</c> or <c>RequisiteFeatures=</c>.</summary>
    public static List<string> TransfersOf(Definitions definitions, string featureId) =>
        definitions.Transfers
            .Where(t => t.Features.Contains(featureId) || t.RequisiteFeatures.Contains(featureId))
            .OrderBy(t => !t.Enabled)
            .Select(t => t.Id)
            .ToList();
}
