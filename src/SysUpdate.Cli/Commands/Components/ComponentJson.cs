using System.Text.Json;
using SysUpdate.Cli.Commands.Features;
using SysUpdate.Cli.Output;
using SysUpdate.Core.Config;

namespace SysUpdate.Cli.Commands.Components;

/// <summary>
/// One component for <c>components NAME --json</c>: its <c>id</c>, then its settings as upstream main
/// serializes a component (the keys of <c>sysupdate.NAME.component</c>): <c>description</c>, <c>documentation</c>, <c>enabled</c>,
/// <c>suggest</c>, <c>minVersion</c>, <c>maxVersion</c>, <c>protectVersion</c>; unset or empty
/// members are left out, <c>suggest</c> when a condition cannot be evaluated.
/// </summary>
internal static class ComponentJson
{
    public static void Write(Utf8JsonWriter w, Component component, SuggestState suggested)
    {
        w.WriteStartObject();
        w.WriteString("id", component.Name);
        if (component.Description is { } description)
            w.WriteString("description", description);
        if (component.Documentation.Count > 0)
            w.WriteStringArray("documentation", component.Documentation);
        w.WriteBoolean("enabled", component.Enabled);
        if (SuggestText.Json(suggested) is { } s)
            w.WriteBoolean("suggest", s);
        if (component.MinVersion is { } min)
            w.WriteString("minVersion", min);
        if (component.MaxVersion is { } max)
            w.WriteString("maxVersion", max);
        if (component.ProtectVersions.Count > 0)
            w.WriteStringArray("protectVersion", component.ProtectVersions);
        w.WriteEndObject();
    }
}
