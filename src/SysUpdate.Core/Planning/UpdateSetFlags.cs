namespace SysUpdate.Core.Planning;

/// <summary>What is known about a version across all transfers; bit values as upstream
/// (<see cref="TooNew"/> is ours: upstream 262.1 has no <c>MaxVersion=</c>).</summary>
[Flags]
internal enum UpdateSetFlags
{
    None = 0,
    Newest = 1,
    Available = 2,
    Installed = 4,
    Obsolete = 8,
    Protected = 16,
    Incomplete = 32,
    Partial = 64,
    Pending = 128,

    /// <summary>Newer than a transfer's or the component's <c>MaxVersion=</c>: never installed.</summary>
    TooNew = 256,
}

internal static class UpdateSetFlagsText
{
    /// <summary>The human assessment ("current", "candidate", "installed+incomplete", …) scripts grep
    /// for; the same words for the same flag combinations as upstream.</summary>
    public static string ToAssessment(this UpdateSetFlags flags)
    {
        if (flags.HasFlag(UpdateSetFlags.TooNew))
        {
            // A version only on the server is simply "too-new"; anything else says what it is, and that it is too new.
            string rest = (flags & ~UpdateSetFlags.TooNew).ToAssessment();
            return rest is "available" or "candidate" ? "too-new" : rest + "+too-new";
        }
        // Pending carries no meaning once the set is known to be incomplete.
        if (flags.HasFlag(UpdateSetFlags.Installed | UpdateSetFlags.Incomplete))
            flags &= ~UpdateSetFlags.Pending;
        if (flags == UpdateSetFlags.None)
            return "n/a";

        bool newest = flags.HasFlag(UpdateSetFlags.Newest), isProtected = flags.HasFlag(UpdateSetFlags.Protected),
            obsolete = flags.HasFlag(UpdateSetFlags.Obsolete), incomplete = flags.HasFlag(UpdateSetFlags.Incomplete),
            partial = flags.HasFlag(UpdateSetFlags.Partial), pending = flags.HasFlag(UpdateSetFlags.Pending);

        if (!flags.HasFlag(UpdateSetFlags.Installed))
        {
            if (partial || pending || incomplete)
                return partial ? "partial" : pending ? "pending" : "n/a";
            if (obsolete)
                return "available+obsolete";
            return newest ? "candidate" : "available";
        }

        if (partial || pending)
        {
            string state = partial ? "partial" : "pending";
            return newest && !obsolete ? $"current+{state}" : $"installed+{state}";
        }

        string kind = newest ? "current" : isProtected ? "protected" : "installed";
        return (obsolete, incomplete) switch
        {
            (true, true) => $"{kind}+obsolete+incomplete",
            (true, false) => $"{kind}+obsolete",
            (false, true) => $"{kind}+incomplete",
            _ => kind,
        };
    }

    /// <summary>The glyph of the list table's first column.</summary>
    public static string ToGlyph(this UpdateSetFlags flags)
    {
        if (flags == 0 || flags.HasFlag(UpdateSetFlags.Obsolete)
            || (flags & (UpdateSetFlags.TooNew | UpdateSetFlags.Installed)) == UpdateSetFlags.TooNew)
            return "×";
        if (flags.HasFlag(UpdateSetFlags.Installed | UpdateSetFlags.Incomplete))
            flags &= ~UpdateSetFlags.Pending;
        if ((flags & (UpdateSetFlags.Partial | UpdateSetFlags.Pending)) != 0)
            return "↓";
        if ((flags & (UpdateSetFlags.Newest | UpdateSetFlags.Installed)) == (UpdateSetFlags.Newest | UpdateSetFlags.Installed))
            return "●";
        if ((flags & (UpdateSetFlags.Installed | UpdateSetFlags.Protected)) == (UpdateSetFlags.Installed | UpdateSetFlags.Protected))
            return "○";
        if ((flags & (UpdateSetFlags.Available | UpdateSetFlags.Installed | UpdateSetFlags.Newest | UpdateSetFlags.Obsolete))
            == (UpdateSetFlags.Available | UpdateSetFlags.Newest))
            return "↻";
        return " ";
    }
}
