using System.Text.Json;
using SysUpdate.Cli.Output;
using SysUpdate.Core.Config;

namespace SysUpdate.Cli.Commands.Features;

/// <summary>
/// One feature as systemd 262.1 writes it, for <c>features NAME --json</c> and Varlink
/// <c>ListFeatures</c> alike: <c>id</c>, <c>description</c>, <c>documentation</c> (one element per
/// <c>Documentation=</c> line), <c>appStream</c>, <c>enabled</c>, <c>suggested</c>, <c>transfers</c>;
/// optional members are left out when unset or empty, <c>suggested</c> when it cannot be determined.
/// </summary>
internal static class FeatureJson
{
    public static void Write(Utf8JsonWriter w, Feature feature, SuggestState suggested, IReadOnlyList<string> transfers)
    {
        w.WriteStartObject();
        w.WriteString("id", feature.Id);
        if (feature.Description is { } description)
            w.WriteString("description", description);
        if (feature.Documentation.Count > 0)
            w.WriteStringArray("documentation", feature.Documentation);
        if (feature.AppStream is { } appStream)
            w.WriteString("appStream", appStream);
        w.WriteBoolean("enabled", feature.Enabled);
        if (SuggestText.Json(suggested) is { } s)
            w.WriteBoolean("suggested", s);
        if (transfers.Count > 0)
            w.WriteStringArray("transfers", transfers);
        w.WriteEndObject();
    }
}
