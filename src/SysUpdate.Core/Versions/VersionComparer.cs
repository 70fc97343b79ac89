namespace SysUpdate.Core.Versions;

/// <summary>
/// Orders version strings the way systemd's <c>strverscmp_improved()</c> does (rpmvercmp-like):
/// segments of digits or ASCII letters, with <c>~</c> marking pre-releases (oldest), then
/// <c>-</c>, <c>^</c> and <c>.</c> prefixes, and characters outside <c>[0-9A-Za-z~^.-]</c>
/// acting as plain separators (so <c>123_a</c> equals <c>123a</c>).
/// </summary>
internal static class VersionComparer
{
    /// <summary>The same ordering as an <see cref="IComparer{T}"/> (null sorts like "").</summary>
    public static readonly IComparer<string> Instance = Comparer<string>.Create(Compare);

    /// <summary>
    /// Negative if <paramref name="a"/> is older than <paramref name="b"/>, positive if newer,
    /// zero if equivalent (e.g. <c>00123</c> and <c>123</c>). Null counts as the empty string.
    /// </summary>
    public static int Compare(string? a, string? b)
    {
        ReadOnlySpan<char> x = a ?? string.Empty;
        ReadOnlySpan<char> y = b ?? string.Empty;
        int i = 0, j = 0;

        while (true)
        {
            // Characters outside the version alphabet only separate segments.
            while (i < x.Length && !IsVersionChar(x[i]))
            {
                i++;
            }

            while (j < y.Length && !IsVersionChar(y[j]))
            {
                j++;
            }

            // '~' marks a pre-release: the side that has it is older.
            if (At(x, i) == '~' || At(y, j) == '~')
            {
                int r = Sign(At(x, i) != '~', At(y, j) != '~');
                if (r != 0)
                {
                    return r;
                }

                i++;
                j++;
            }

            // Whichever string has segments left is newer.
            if (i >= x.Length || j >= y.Length)
            {
                return Sign(i < x.Length, j < y.Length);
            }

            // '-' (release separator), '^' (patched release), '.' (point release), in this order:
            // the side that is at the separator alone is older.
            foreach (char separator in "-^.")
            {
                if (At(x, i) == separator || At(y, j) == separator)
                {
                    int r = Sign(At(x, i) != separator, At(y, j) != separator);
                    if (r != 0)
                    {
                        return r;
                    }

                    i++;
                    j++;
                }
            }

            int ie, je;
            if (char.IsAsciiDigit(At(x, i)) || char.IsAsciiDigit(At(y, j)))
            {
                ie = SkipWhile(x, i, char.IsAsciiDigit);
                je = SkipWhile(y, j, char.IsAsciiDigit);

                // A numeric segment is newer than none at all.
                int r = Sign(ie != i, je != j);
                if (r != 0)
                {
                    return r;
                }

                // Leading zeros do not count; then the longer number is newer, then digit by digit.
                while (i < ie && x[i] == '0')
                {
                    i++;
                }

                while (j < je && y[j] == '0')
                {
                    j++;
                }

                r = (ie - i).CompareTo(je - j);
                if (r != 0)
                {
                    return Math.Sign(r);
                }

                r = x[i..ie].SequenceCompareTo(y[j..je]);
                if (r != 0)
                {
                    return Math.Sign(r);
                }
            }
            else
            {
                ie = SkipWhile(x, i, char.IsAsciiLetter);
                je = SkipWhile(y, j, char.IsAsciiLetter);

                int common = Math.Min(ie - i, je - j);
                int r = x.Slice(i, common).SequenceCompareTo(y.Slice(j, common));
                if (r != 0)
                {
                    return Math.Sign(r);
                }

                // The longer letter run is newer (abc < abcde).
                r = (ie - i).CompareTo(je - j);
                if (r != 0)
                {
                    return Math.Sign(r);
                }
            }

            i = ie;
            j = je;
        }
    }

    private static bool IsVersionChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '~' or '-' or '^' or '.';

    private static char At(ReadOnlySpan<char> s, int index) => index < s.Length ? s[index] : '\0';

    /// <summary>systemd's CMP(a, b) over booleans: false &lt; true.</summary>
    private static int Sign(bool a, bool b) => a == b ? 0 : (a ? 1 : -1);

    private static int SkipWhile(ReadOnlySpan<char> s, int index, Func<char, bool> predicate)
    {
        while (index < s.Length && predicate(s[index]))
        {
            index++;
        }

        return index;
    }
}
