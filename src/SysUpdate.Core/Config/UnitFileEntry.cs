namespace SysUpdate.Core.Config;

/// <summary>One <c>Key=Value</c> assignment of a unit-style file, with the section it stands in.</summary>
internal sealed record UnitFileEntry(string Section, string Key, string Value, SourceLocation Location);
