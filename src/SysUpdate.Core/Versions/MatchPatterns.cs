namespace SysUpdate.Core.Versions;

/// <summary>Matching against all <c>MatchPattern=</c> values of one resource.</summary>
internal static class MatchPatterns
{
    /// <summary>
    /// Matches <paramref name="input"/> against every pattern. The result does not depend on the
    /// order of the patterns except for which metadata is returned: the metadata comes from the
    /// first pattern that matches (Yes); if any pattern asks to descend (Retry) as well, the result
    /// is <see cref="PatternMatch.YesAndRetry"/>. So a name that fully matches a flat pattern
    /// (<c>pack-@v</c>) and also opens a sub-directory pattern (<c>pack-@v/image.raw</c>) is both
    /// an instance candidate and a directory to descend into; the caller decides by the entry's type
    /// (see <see cref="MatchPattern.Match"/>).
    /// </summary>
    /// <remarks>
    /// This follows current upstream (TEST-72-SYSUPDATE: "pattern matching should not depend on
    /// the pattern order"); older systemd returned the first result that was not No, which made a
    /// <c>Retry</c> from an earlier pattern hide a full match by a later one.
    /// </remarks>
    public static PatternMatch MatchAny(IReadOnlyList<MatchPattern> patterns, string input, out InstanceMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        ArgumentNullException.ThrowIfNull(input);

        metadata = InstanceMetadata.Empty;
        bool yes = false, retry = false;

        foreach (MatchPattern pattern in patterns)
        {
            PatternMatch result = pattern.Match(input, out InstanceMetadata found);
            if (result is PatternMatch.Yes or PatternMatch.YesAndRetry && !yes)
            {
                yes = true;
                metadata = found;
            }

            retry |= result is PatternMatch.Retry or PatternMatch.YesAndRetry;
        }

        return (yes, retry) switch
        {
            (true, true) => PatternMatch.YesAndRetry,
            (true, false) => PatternMatch.Yes,
            (false, true) => PatternMatch.Retry,
            _ => PatternMatch.No,
        };
    }
}
