namespace SysUpdate.Core.Config;

/// <summary>Reads a <c>*.feature</c> file and its drop-ins into a <see cref="Feature"/>.</summary>
internal static class FeatureParser
{
    public static Feature Parse(string id, IReadOnlyList<string> files, SpecifierExpander specifiers, ICollection<ConfigDiagnostic> diagnostics)
    {
        var common = new SuggestableSection(enabledByDefault: false);
        string? documentation = null, appStream = null;
        common.Read("Feature", files, diagnostics, e =>
        {
            switch (e.Key)
            {
                case "Documentation":
                    documentation = e.Value.Length == 0 ? null : ParseUrl(e, e.Value, specifiers);
                    return true;
                case "AppStream":
                    appStream = e.Value.Length == 0 ? null : ParseUrl(e, e.Value, specifiers);
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

    /// <summary>Expands specifiers in one http(s) URL and validates it.</summary>
    internal static string ParseUrl(UnitFileEntry e, string text, SpecifierExpander specifiers)
    {
        var url = specifiers.TryExpand(text, 4095, out var error)
            ?? throw new ConfigSyntaxException(e.Location, $"Failed to expand specifiers in {e.Key}= ({error})", text);
        if (!(url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            || !TransferParser.IsSupportedUrl(url))
            throw new ConfigSyntaxException(e.Location, $"{e.Key}= is not a valid http(s) URL", url);
        return url;
    }
}
