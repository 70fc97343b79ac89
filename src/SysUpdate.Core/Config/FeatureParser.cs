namespace SysUpdate.Core.Config;

/// <summary>Reads a <c>*.feature</c> file and its drop-ins into a <see cref="Feature"/>.</summary>
internal static class FeatureParser
{
    public static Feature Parse(string id, IReadOnlyList<string> files, SpecifierExpander specifiers, ICollection<ConfigDiagnostic> diagnostics)
    {
        var common = new SuggestableSection(enabledByDefault: false);
        var documentation = new List<string>();
        string? appStream = null;
        common.Read("Feature", files, diagnostics, e =>
        {
            switch (e.Key)
            {
                case "Documentation":
                    UrlSetting.Append(e, documentation, specifiers, diagnostics);
                    return true;
                case "AppStream":
                    if (e.Value.Length == 0)
                        appStream = null;
                    else if (UrlSetting.TryParse(e, specifiers, diagnostics) is { } url)
                        appStream = url;
                    return true;
                default:
                    return false;
            }
        });
        return new Feature
        {
            Id = id,
            DefinitionPath = files[0],
            Description = common.Description,
            Documentation = documentation,
            AppStream = appStream,
            Enabled = common.Enabled,
            Suggest = common.Suggest,
            SuggestConditions = common.Conditions,
        };
    }
}
