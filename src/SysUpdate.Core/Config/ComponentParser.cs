namespace SysUpdate.Core.Config;

/// <summary>Reads <c>sysupdate.NAME.component</c> (and its drop-ins) into a <see cref="Component"/>.</summary>
internal static class ComponentParser
{
    public static Component Parse(string name, IReadOnlyList<string> files, SpecifierExpander specifiers, ICollection<ConfigDiagnostic> diagnostics)
    {
        var common = new SuggestableSection(enabledByDefault: true);
        var documentation = new List<string>();
        var protect = new List<string>();
        string? min = null, max = null;
        SourceLocation? minLocation = null, maxLocation = null;
        common.Read("Component", files, diagnostics, e =>
        {
            switch (e.Key)
            {
                case "Documentation":
                    UrlSetting.Append(e, documentation, specifiers, diagnostics);
                    return true;
                case "MinVersion":
                    (min, minLocation) = (VersionBoundSetting.Parse(e, specifiers), e.Location);
                    return true;
                case "MaxVersion":
                    (max, maxLocation) = (VersionBoundSetting.Parse(e, specifiers), e.Location);
                    return true;
                case "ProtectVersion":
                    VersionBoundSetting.AppendProtected(e, specifiers, protect);
                    return true;
                default:
                    return false;
            }
        });
        VersionBoundSetting.RequireOrdered(min, minLocation, max, maxLocation);
        return new Component
        {
            Name = name,
            DefinitionPath = files.Count > 0 ? files[0] : null,
            Description = common.Description,
            Documentation = documentation,
            Enabled = common.Enabled,
            Suggest = common.Suggest,
            SuggestConditions = common.Conditions,
            MinVersion = min,
            MaxVersion = max,
            ProtectVersions = protect,
        };
    }
}
