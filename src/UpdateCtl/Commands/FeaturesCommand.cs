using System.CommandLine;
using System.Text.Json;
using UpdateCtl.Output;

namespace UpdateCtl.Commands;

/// <summary><c>features [FEATURE]</c>: the host's optional features, or one in detail.</summary>
internal static class FeaturesCommand
{
    public static Command Create(UpdateCtlApp app)
    {
        var name = new Argument<string?>("FEATURE") { Arity = ArgumentArity.ZeroOrOne, Description = "Show details of this feature" };
        var command = new Command("features", "List and describe optional features") { name };
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, (session, token) => ExecuteAsync(session, parse.GetValue(name), token)));
        return command;
    }

    private static async Task<int> ExecuteAsync(Session session, string? name, CancellationToken cancellationToken)
    {
        var reply = await session.CallAsync("ListFeatures", TargetSpec.Host.Parameters(), cancellationToken).ConfigureAwait(false);
        var features = reply.GetProperty("features").EnumerateArray().OrderBy(f => f.GetProperty("id").GetString(), StringComparer.Ordinal).ToList();
        if (name is not null)
        {
            var feature = features.FirstOrDefault(f => f.GetProperty("id").GetString() == name);
            if (feature.ValueKind != JsonValueKind.Object)
                throw new UsageException($"Optional feature '{name}' not found.");
            var o = session.Output;
            o.WriteLine($"         Name: {name}");
            o.WriteLine($"      Enabled: {(feature.GetProperty("enabled").GetBoolean() ? "yes" : "no")}");
            // 262.1 leaves "suggested" out when a SuggestOn…= condition is malformed; so does the row.
            if (feature.TryGetProperty("suggested", out JsonElement suggested) && suggested.ValueKind is JsonValueKind.True or JsonValueKind.False)
                o.WriteLine($"    Suggested: {(suggested.GetBoolean() ? "yes" : "no")}");
            if (String(feature, "description") is { } description)
                o.WriteLine($"  Description: {description}");
            if (feature.TryGetProperty("documentation", out JsonElement docs) && docs.ValueKind == JsonValueKind.Array)
            {
                foreach (var doc in docs.EnumerateArray())
                    o.WriteLine($"Documentation: {doc.GetString()}");
            }
            if (String(feature, "appStream") is { } appstream)
                o.WriteLine($"    AppStream: {appstream}");
            if (feature.TryGetProperty("transfers", out JsonElement transfers) && transfers.ValueKind == JsonValueKind.Array)
                o.WriteLine($"    Transfers: {string.Join(' ', transfers.EnumerateArray().Select(t => t.GetString()))}");
            return 0;
        }
        if (features.Count == 0)
        {
            session.Output.WriteLine("No optional features.");
            return 0;
        }
        var table = new Table("", "feature", "description", "documentation");
        foreach (var f in features)
        {
            string? doc = f.TryGetProperty("documentation", out JsonElement d) && d.ValueKind == JsonValueKind.Array && d.GetArrayLength() > 0 ? d[0].GetString() : null;
            table.AddRow(f.GetProperty("enabled").GetBoolean() ? "●" : "○", f.GetProperty("id").GetString(), String(f, "description"), doc);
        }
        table.Write(session.Output, session.Legend);
        return 0;
    }

    private static string? String(JsonElement o, string name) =>
        o.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
