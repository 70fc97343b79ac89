namespace SysUpdate.Core.Config;

/// <summary>
/// The keys <c>[Feature]</c> and <c>[Component]</c> share: <c>Description=</c>, <c>Enabled=</c>,
/// <c>Suggest=</c> and the <c>SuggestOn…=</c> conditions. Each parser hands entries here first and
/// handles only its own keys.
/// </summary>
internal sealed class SuggestableSection(bool enabledByDefault)
{
    private readonly bool _enabledByDefault = enabledByDefault;
    private readonly List<(string Key, string Value)> _conditions = [];

    public string? Description { get; private set; }

    public bool Enabled { get; private set; } = enabledByDefault;

    public bool? Suggest { get; private set; }

    public IReadOnlyList<(string Key, string Value)> Conditions => _conditions;

    /// <summary>Applies a shared key; false when the key is not one of them.</summary>
    public bool TryApply(UnitFileEntry e)
    {
        switch (e.Key)
        {
            case "Description":
                Description = e.Value.Length == 0 ? null : e.Value;
                return true;
            case "Enabled":
                Enabled = e.Value.Length == 0 ? _enabledByDefault : ParseBoolean(e);
                return true;
            case "Suggest":
                Suggest = e.Value.Length == 0 ? null : ParseBoolean(e);
                return true;
            default:
                if (!SuggestConditions.Keys.Contains(e.Key))
                    return false;
                SuggestConditions.Add(_conditions, e.Key, e.Value);
                return true;
        }
    }

    private static bool ParseBoolean(UnitFileEntry e) =>
        ConfigValues.TryParseBoolean(e.Value, out var value)
            ? value
            : throw new ConfigSyntaxException(e.Location, $"Failed to parse {e.Key}= as a boolean", e.Value);

    /// <summary>Reads the entries of <paramref name="files"/>, warning about other sections and
    /// unknown keys; <paramref name="own"/> handles the section's own keys.</summary>
    public void Read(string section, IReadOnlyList<string> files, ICollection<ConfigDiagnostic> diagnostics, Func<UnitFileEntry, bool> own)
    {
        foreach (var file in files)
        {
            foreach (var e in UnitFileParser.Parse(file, DefinitionFile.ReadText(file), diagnostics))
            {
                if (e.Section != section)
                {
                    if (!e.Section.StartsWith("X-", StringComparison.Ordinal))
                        diagnostics.Add(new ConfigDiagnostic(e.Location, $"Unknown section '{e.Section}', ignoring."));
                }
                else if (!TryApply(e) && !own(e))
                {
                    diagnostics.Add(new ConfigDiagnostic(e.Location, $"Unknown key '{e.Key}' in section [{section}], ignoring."));
                }
            }
        }
    }
}
