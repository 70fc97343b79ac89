namespace SysUpdate.Core.Config;

/// <summary>The <c>SuggestOn…=</c> keys features and components share, and their evaluation.</summary>
internal static class SuggestConditions
{
    public static readonly IReadOnlySet<string> Keys = new HashSet<string>(StringComparer.Ordinal)
    {
        "SuggestOnArchitecture", "SuggestOnFirmware", "SuggestOnVirtualization", "SuggestOnHost",
        "SuggestOnFraction", "SuggestOnKernelCommandLine", "SuggestOnVersion", "SuggestOnCredential",
        "SuggestOnSecurity", "SuggestOnOSRelease", "SuggestOnMachineTag",
    };

    /// <summary>Adds a condition, or drops all of that kind on an empty value.</summary>
    public static void Add(List<(string Key, string Value)> list, string key, string value)
    {
        if (value.Length == 0)
            list.RemoveAll(c => c.Key == key);
        else
            list.Add((key, value));
    }

    /// <summary>
    /// "Suggested": <c>Suggest=</c> when set; otherwise not without conditions; otherwise every
    /// non-triggering condition must hold and, if triggering (<c>|</c>) ones exist, at least one of them.
    /// A malformed condition makes the answer <see cref="SuggestState.Invalid"/>; conditions we cannot
    /// evaluate here count as not holding.
    /// </summary>
    public static SuggestState Evaluate(bool? suggest, IReadOnlyList<(string Key, string Value)> conditions, HostIdentity host)
    {
        try
        {
            return Holds(suggest, conditions, host) ? SuggestState.Suggested : SuggestState.NotSuggested;
        }
        catch (MalformedConditionException)
        {
            return SuggestState.Invalid;
        }
    }

    private static bool Holds(bool? suggest, IReadOnlyList<(string Key, string Value)> conditions, HostIdentity host)
    {
        if (suggest is { } s)
            return s;
        if (conditions.Count == 0)
            return false;
        bool anyTriggering = false, anyTriggered = false, allHold = true;
        foreach (var (key, raw) in conditions)
        {
            string value = raw;
            bool triggering = value.StartsWith('|');
            if (triggering)
                value = value[1..];
            bool negate = value.StartsWith('!');
            if (negate)
                value = value[1..];
            bool result = Test(key, value, host) != negate;
            if (triggering)
            {
                anyTriggering = true;
                anyTriggered |= result;
            }
            else
                allHold &= result;
        }
        return allHold && (!anyTriggering || anyTriggered);
    }

    private static bool Test(string key, string value, HostIdentity host) => key switch
    {
        "SuggestOnArchitecture" => value == HostIdentity.Architecture,
        "SuggestOnHost" => string.Equals(value, HostIdentity.HostName, StringComparison.OrdinalIgnoreCase)
                           || string.Equals(value, host.MachineId, StringComparison.OrdinalIgnoreCase),
        "SuggestOnOSRelease" => TestOsRelease(value, host),
        "SuggestOnKernelCommandLine" => TestKernelCommandLine(value),
        "SuggestOnMachineTag" => host.MachineTags.Contains(value, StringComparer.Ordinal),
        "SuggestOnFirmware" => FirmwareCondition.Test(key, value, host),
        _ => false,
    };

    private static bool TestOsRelease(string value, HostIdentity host)
    {
        int eq = value.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
            return false;
        bool notEqual = value[eq - 1] == '!';
        string key = value[..(notEqual ? eq - 1 : eq)];
        string expected = value[(eq + 1)..];
        string actual = host.OsRelease(key) ?? "";
        return (actual == expected) != notEqual;
    }

    private static bool TestKernelCommandLine(string value)
    {
        string cmdline;
        try
        {
            cmdline = File.ReadAllText("/proc/cmdline");
        }
        catch (IOException)
        {
            return false;
        }
        foreach (var word in cmdline.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (word == value || (!value.Contains('=', StringComparison.Ordinal) && word.StartsWith(value + "=", StringComparison.Ordinal)))
                return true;
        }
        return false;
    }
}
