namespace SysUpdate.Core.Config;

/// <summary>One <c>*.feature</c> file: an optional group of transfers the administrator can switch on.</summary>
internal sealed record Feature
{
    public required string Id { get; init; }

    public required string DefinitionPath { get; init; }

    public string? Description { get; init; }

    /// <summary><c>Documentation=</c>: one URL line per setting, each kept as written (not split on spaces).</summary>
    public IReadOnlyList<string> Documentation { get; init; } = [];

    /// <summary><c>AppStream=</c>; a later line replaces an earlier one.</summary>
    public string? AppStream { get; init; }

    /// <summary><c>Enabled=</c>; features are off unless enabled.</summary>
    public bool Enabled { get; init; }

    /// <summary><c>Suggest=</c>; null when unset.</summary>
    public bool? Suggest { get; init; }

    /// <summary>The <c>SuggestOn…=</c> conditions, in file order, as written.</summary>
    public IReadOnlyList<(string Key, string Value)> SuggestConditions { get; init; } = [];
}
