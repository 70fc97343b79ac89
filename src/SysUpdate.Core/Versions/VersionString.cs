namespace SysUpdate.Core.Versions;

/// <summary>
/// Validity of a version string as systemd's
/// <c>version_is_valid(s, VERSION_ALLOW_UNDERSCORE|VERSION_ALLOW_PLUS)</c> decides it: non-empty,
/// usable as part of a file name (no <c>/</c>, at most 255 bytes) and made only of
/// <c>A–Z a–z 0–9 . - ~ ^ _ +</c>. There are no rules about the first or last character, so
/// even <c>.</c> or <c>-1</c> are valid.
/// </summary>
internal static class VersionString
{
    /// <summary>NAME_MAX: the longest file name part, in bytes.</summary>
    public const int MaxLength = 255;

    public static bool IsValid(string? version)
    {
        if (string.IsNullOrEmpty(version) || version.Length > MaxLength)
        {
            return false;
        }

        // Every allowed character is ASCII, so the UTF-16 length equals the byte length.
        foreach (char c in version)
        {
            if (!IsValidChar(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValidChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '~' or '^' or '_' or '+';
}
