namespace SysUpdate.Core.Config;

/// <summary>Reads <c>sysupdate.NAME.component</c> (and its drop-ins) into a <see cref="Component"/>.</summary>
internal static class ComponentParser
{
    public static Component Parse(string name, IReadOnlyList<string> files, SpecifierExpander specifiers, ICollection<ConfigDiagnostic> diagnostics)
    {
        string? description = null;
        var documentation = new List<string>();
        bool enabled = true;
        bool? suggest = null;
        var conditions = new List<(string, string)>();
        foreach (var file in files)
        {
            foreach (var e in UnitFileParser.Parse(file, DefinitionFile.ReadText(file), diagnostics))
            {
                if (e.Section != "Component")
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
                        if (e.Value.Length == 0)
                        {
                            documentation.Clear();
                            break;
                        }
                        if (!ConfigValues.TrySplitWords(e.Value, out var words))
                            throw new ConfigSyntaxException(e.Location, "Failed to split Documentation= into words", e.Value);
                        foreach (var w in words)
                            documentation.Add(FeatureParser.ParseUrl(e with { Value = w }, specifiers)!);
                        break;
                    case "Enabled":
                        enabled = e.Value.Length == 0 || (ConfigValues.TryParseBoolean(e.Value, out var b)
                            ? b : throw new ConfigSyntaxException(e.Location, "Failed to parse Enabled= as a boolean", e.Value));
                        break;
                    case "Suggest":
                        suggest = e.Value.Length == 0 ? null : ConfigValues.TryParseBoolean(e.Value, out var s)
                            ? s : throw new ConfigSyntaxException(e.Location, "Failed to parse Suggest= as a boolean", e.Value);
                        break;
                    default:
                        if (SuggestConditions.Keys.Contains(e.Key))
                            SuggestConditions.Add(conditions, e.Key, e.Value);
                        else
                            diagnostics.Add(new ConfigDiagnostic(e.Location, $"Unknown key '{e.Key}' in section [Component], ignoring."));
                        break;
                }
            }
        }
        return new Component
        {
            Name = name,
            DefinitionPath = files.Count > 0 ? files[0] : null,
            Description = description,
            Documentation = documentation,
            Enabled = enabled,
            Suggest = suggest,
            SuggestConditions = conditions,
        };
    }
}
