using System.IO.Enumeration;
using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Config;

/// <summary>
/// <c>SuggestOnFirmware=</c> as systemd's <c>ConditionFirmware=</c>: <c>uefi</c>, <c>device-tree</c>,
/// <c>device-tree-compatible(VALUE)</c>, <c>smbios-field(FIELD OP VALUE)</c>. An smbios-field expression
/// without a field or a comparison operator is malformed; other unknown values are simply false.
/// </summary>
internal static class FirmwareCondition
{
    // Longest first, so "<=" is not read as "<".
    private static readonly string[] Operators = ["!$=", "<=", ">=", "==", "!=", "$=", "<", ">", "="];

    /// <exception cref="MalformedConditionException">A malformed smbios-field expression.</exception>
    public static bool Test(string key, string value, HostIdentity host)
    {
        if (value == "uefi")
            return Directory.Exists(host.HostPath("sys/firmware/efi"));
        if (value == "device-tree")
            return Directory.Exists(host.HostPath("sys/firmware/devicetree"));
        if (Argument(value, "device-tree-compatible") is { } compatible)
            return ReadNulSeparated(host.HostPath("proc/device-tree/compatible")).Contains(compatible, StringComparer.Ordinal);
        if (Argument(value, "smbios-field") is { } expression)
            return TestSmbiosField(key, value, expression, host);
        return false;
    }

    private static string? Argument(string value, string function) =>
        value.StartsWith(function + "(", StringComparison.Ordinal) && value.EndsWith(')')
            ? value[(function.Length + 1)..^1]
            : null;

    private static bool TestSmbiosField(string key, string value, string expression, HostIdentity host)
    {
        var text = expression.AsSpan().Trim();
        int fieldLength = 0;
        while (fieldLength < text.Length && (char.IsAsciiLetterOrDigit(text[fieldLength]) || text[fieldLength] == '_'))
            fieldLength++;
        string field = text[..fieldLength].ToString();
        string rest = text[fieldLength..].TrimStart().ToString();
        string? op = Operators.FirstOrDefault(o => rest.StartsWith(o, StringComparison.Ordinal));
        if (field.Length == 0 || op is null)
            throw new MalformedConditionException(key, value);
        string expected = rest[op.Length..].Trim();

        string actual;
        try
        {
            actual = File.ReadAllText(host.HostPath("sys/class/dmi/id/" + field)).TrimEnd('\n');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        return op switch
        {
            "$=" => FileSystemName.MatchesSimpleExpression(expected, actual, ignoreCase: false),
            "!$=" => !FileSystemName.MatchesSimpleExpression(expected, actual, ignoreCase: false),
            "=" or "==" => actual == expected,
            "!=" => actual != expected,
            "<" => VersionComparer.Compare(actual, expected) < 0,
            "<=" => VersionComparer.Compare(actual, expected) <= 0,
            ">" => VersionComparer.Compare(actual, expected) > 0,
            _ => VersionComparer.Compare(actual, expected) >= 0,
        };
    }

    private static string[] ReadNulSeparated(string path)
    {
        try
        {
            return File.ReadAllText(path).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
