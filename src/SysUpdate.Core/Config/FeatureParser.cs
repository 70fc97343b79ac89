namespace SysUpdate.Core.Config;

/// <summary>Reads a <c>*.feature</c> file and its drop-ins into a <see cref="Feature"/>.</summary>
internal static class FeatureParser
{
    public static Feature Parse(string id, IReadOnlyList<string> files, SpecifierExpander specifiers, ICollection<ConfigDiagnostic> diagnostics)
    {
        string? description = null, documentation = null, appStream = null;
        bool enabled = false;
        bool? suggest = null;
        var conditions = new List<(string, string)>();
        foreach (var file in files)
        {
            foreach (var e in UnitFileParser.Parse(file, DefinitionFile.ReadText(file), diagnostics))
            {
                if (e.Section != "Feature")
                {
                    if (!e.Section.StartsWith("X-", StringComparison.Ordinal))
                        diagnostics.Add(new ConfigDiagnostic(e.Location, $"Unknown section '{e.Section}', ignoring."));
                    continue;
                }
                switch (e.Key)
                {
                    case "Description":
                        description = e.Value.Length == 0 ? null : e.Value;
                        break;
                    case "Documentation":
                        documentation = ParseUrl(e, specifiers);
                        break;
                    case "AppStream":
                        appStream = ParseUrl(e, specifiers);
                        break;
                    case "Enabled":
                        enabled = e.Value.Length == 0 ? false : ConfigValues.TryParseBoolean(e.Value, out var b)
                            ? b : throw new ConfigSyntaxException(e.Location, "Failed to parse Enabled= as a boolean", e.Value);
                        break;
                    case "Suggest":
                        suggest = e.Value.Length == 0 ? null : ConfigValues.TryParseBoolean(e.Value, out var s)
                            ? s : throw new ConfigSyntaxException(e.Location, "Failed to parse Suggest= as a boolean", e.Value);
                        break;
                    default:
                        if (SuggestConditions.Keys.Contains(e.Key))
                            SuggestConditions.Add(conditions, e.Key, e.Value);
                        else
                            diagnostics.Add(new ConfigDiagnostic(e.Location, $"Unknown key '{e.Key}' in section [Feature], ignoring."));
                        break;
                }
            }
        }
        return new Feature
        {
            Id = id,
            DefinitionPath = files[0],
            Description = description,
            Documentation = documentation,
            AppStream = appStream,
            Enabled = enabled,
            Suggest = suggest,
            SuggestConditions = conditions,
        };
    }

    internal static string? ParseUrl(UnitFileEntry e, SpecifierExpander specifiers)
    {
        if (e.Value.Length == 0)
            return null;
        var url = specifiers.TryExpand(e.Value, 4095, out var error)
            ?? throw new ConfigSyntaxException(e.Location, $"Failed to expand specifiers in {e.Key}= ({error})", e.Value);
        if (!(url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            || !TransferParser.IsSupportedUrl(url))
            throw new ConfigSyntaxException(e.Location, $"{e.Key}= is not a valid http(s) URL", url);
        return url;
    }
}
