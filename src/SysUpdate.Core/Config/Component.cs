namespace SysUpdate.Core.Config;

/// <summary>A <c>sysupdate.NAME.component</c> file describing an independently versioned set of transfers.</summary>
internal sealed record Component
{
    public required string Name { get; init; }

    public string? DefinitionPath { get; init; }

    public string? Description { get; init; }

    /// <summary><c>Documentation=</c>: one URL line per setting, each kept as written.</summary>
    public IReadOnlyList<string> Documentation { get; init; } = [];

    /// <summary><c>Enabled=</c>; components are on unless disabled.</summary>
    public bool Enabled { get; init; } = true;

    public bool? Suggest { get; init; }

    public IReadOnlyList<(string Key, string Value)> SuggestConditions { get; init; } = [];

    /// <summary><c>MinVersion=</c>: older versions of every transfer of the component are obsolete.</summary>
    public string? MinVersion { get; init; }

    /// <summary><c>MaxVersion=</c>: newer versions of every transfer of the component are too new.</summary>
    public string? MaxVersion { get; init; }

    /// <summary><c>ProtectVersion=</c>: versions of the component never removed.</summary>
    public IReadOnlyList<string> ProtectVersions { get; init; } = [];
}
