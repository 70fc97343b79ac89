namespace SysUpdate.Core.Config;

/// <summary>Reads <c>sysupdate.NAME.component</c> (and its drop-ins) into a <see cref="Component"/>.</summary>
internal static class ComponentParser
{
    public static Component Parse(string name, IReadOnlyList<string> files, SpecifierExpander specifiers, ICollection<ConfigDiagnostic> diagnostics)
    {
        var common = new SuggestableSection(enabledByDefault: true);
        var documentation = new List<string>();
        common.Read("Component", files, diagnostics, e =>
        {
            if (e.Key != "Documentation")
                return false;
            if (e.Value.Length == 0)
            {
                documentation.Clear();
                return true;
            }
            if (!ConfigValues.TrySplitWords(e.Value, out var words))
                throw new ConfigSyntaxException(e.Location, "Failed to split Documentation= into words", e.Value);
            documentation.AddRange(words.Select(w => FeatureParser.ParseUrl(e, w, specifiers)));
            return true;
        });
        return new Component
        {
            Name = name,
            DefinitionPath = files.Count > 0 ? files[0] : null,
            Description = common.Description,
            Documentation = documentation,
            Enabled = common.Enabled,
            Suggest = common.Suggest,
            SuggestConditions = common.Conditions,
        };
    }
}
