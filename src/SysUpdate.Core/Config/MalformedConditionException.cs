namespace SysUpdate.Core.Config;

/// <summary>A <c>SuggestOn…=</c> value whose syntax is wrong, e.g. <c>smbios-field(malformed)</c> without an operator.</summary>
internal sealed class MalformedConditionException(string key, string value)
    : SysUpdateException($"{key}={value} is malformed")
{
    public string Key { get; } = key;

    public string Value { get; } = value;
}
