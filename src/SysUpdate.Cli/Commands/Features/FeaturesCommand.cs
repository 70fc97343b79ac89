using System.CommandLine;
using SysUpdate.Cli.Output;
using SysUpdate.Core;
using SysUpdate.Core.Config;
using SysUpdate.Core.Planning;

namespace SysUpdate.Cli.Commands.Features;

/// <summary><c>features [FEATURE]</c>: the optional features, or one in detail, as systemd 262.1 shows them.</summary>
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
        if (featureId is not null)
        {
            var feature = definitions.FindFeature(featureId)
                ?? throw CliInvocation.Fail($"Optional feature not found: {featureId}", Errno.ENOENT);
            ShowOne(cli, feature, SuggestConditions.Evaluate(feature.Suggest, feature.SuggestConditions, context.Host), TransfersOf(definitions, feature.Id));
            return 0;
        }
        ShowAll(cli, definitions.Features.OrderBy(f => f.Id, StringComparer.Ordinal).ToList(), context.Host);
        return 0;
    }

    private static void ShowOne(CliInvocation cli, Feature feature, SuggestState suggested, IReadOnlyList<string> transfers)
    {
        if (cli.Json != JsonMode.Off)
        {
            JsonOutput.Write(cli.Output, cli.Json, w => FeatureJson.Write(w, feature, suggested, transfers));
            return;
        }
        var table = new TextTable("key", "value");
        table.AlignRight(0);
        table.AddRow("Name:", feature.Id);
        table.AddRow("Enabled:", feature.Enabled ? "yes" : "no");
        table.AddRow("Suggested:", SuggestText.Word(suggested));
        if (feature.Description is { } description)
            table.AddRow("Description:", description);
        if (feature.Documentation.Count > 0)
            table.AddRow("Documentation:", string.Join(' ', feature.Documentation));
        if (feature.AppStream is { } appStream)
            table.AddRow("AppStream:", appStream);
        if (transfers.Count > 0)
            table.AddRow("Transfers:", string.Join(' ', transfers));
        table.Write(cli.Output, cli.Legend);
    }

    private static void ShowAll(CliInvocation cli, IReadOnlyList<Feature> features, HostIdentity host)
    {
        if (cli.Json != JsonMode.Off)
        {
            JsonOutput.Write(cli.Output, cli.Json, w =>
            {
                w.WriteStartObject();
                w.WriteStringArray("features", features.Select(f => f.Id));
                w.WriteEndObject();
            });
            return;
        }
        var table = new TextTable("enabled", "suggested", "feature", "description", "documentation");
        foreach (var f in features)
        {
            table.AddRow(f.Enabled ? "✓" : "✗", SuggestText.Mark(SuggestConditions.Evaluate(f.Suggest, f.SuggestConditions, host)),
                f.Id, f.Description, f.Documentation.Count > 0 ? string.Join('\n', f.Documentation) : null);
        }
        table.Write(cli.Output, cli.Legend);
        if (features.Count == 0)
            SysUpdateLog.Info(cli.Logger, "No features.");
        else if (cli.Legend)
            cli.Output.WriteLine($"\n{features.Count} features listed.");
    }

    /// <summary>Transfers (enabled or not) that name the feature in <c>Features=</c> or <c>RequisiteFeatures=</c>.</summary>
    public static List<string> TransfersOf(Definitions definitions, string featureId) =>
        definitions.Transfers
            .Where(t => t.Features.Contains(featureId) || t.RequisiteFeatures.Contains(featureId))
            .OrderBy(t => !t.Enabled)
            .Select(t => t.Id)
            .ToList();
}
