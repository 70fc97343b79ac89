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
            UrlSetting.Append(e, documentation, specifiers, diagnostics);
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
