namespace SysUpdate.Core.Manifests.Trust;

/// <summary>
/// OpenSSH's pattern lists (ssh_config(5), "PATTERNS"): comma-separated patterns with <c>*</c> and <c>?</c>; a
/// pattern starting with <c>!</c> that matches excludes the name whatever else matches.
/// </summary>
internal static class SshPatternList
{
    public static bool Matches(string patternList, string name)
    {
        bool matched = false;
        foreach (string pattern in patternList.Split(','))
        {
            if (pattern.StartsWith('!'))
            {
                if (Glob(pattern.AsSpan(1), name))
                    return false;
            }
            else if (Glob(pattern, name))
            {
                matched = true;
            }
        }
        return matched;
    }

    private static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        while (!pattern.IsEmpty)
        {
            if (pattern[0] == '*')
            {
                for (int i = 0; i <= name.Length; i++)
                {
                    if (Glob(pattern[1..], name[i..]))
                        return true;
                }
                return false;
            }
            if (name.IsEmpty || (pattern[0] != '?' && pattern[0] != name[0]))
                return false;
            pattern = pattern[1..];
            name = name[1..];
        }
        return name.IsEmpty;
    }
}
