using System.Globalization;

namespace SysUpdate.Core.Manifests;

/// <summary>
/// A staged-rollout pseudo-entry of a SHA256SUMS manifest, <c>ROLLOUT-&lt;version&gt;=&lt;percent&gt;</c>: the share of
/// machines that may take <see cref="Version"/> now, in basis points (1/100 of a percent).
/// The '=' is what keeps systemd 262.1 from ever matching the line: no <c>@v</c> field accepts it and no sensible
/// <c>MatchPattern=</c> contains it literally, so older clients ignore the line like any file they do not want.
/// </summary>
internal sealed record RolloutEntry(string Version, int BasisPoints, int Line)
{
    public const string Prefix = "ROLLOUT-";
    public const int AllBasisPoints = 10_000;
    private const int MaxDecimals = 2;

    /// <summary>The share as a person writes it: "25 %", "12.5 %".</summary>
    public string PercentText => (BasisPoints / 100m).ToString("0.##", CultureInfo.InvariantCulture) + " %";

    /// <summary>True when <paramref name="name"/> (a top-level manifest name) claims to be a rollout entry.</summary>
    public static bool IsRolloutName(string name) => name.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// Parses a name for which <see cref="IsRolloutName"/> holds. The prefix is reserved: a vendor who wrote
    /// <c>ROLLOUT-2.0-25</c> meant a rollout, and ignoring it would hand the version to every machine at once.
    /// </summary>
    /// <exception cref="ManifestFormatException">The name is not <c>ROLLOUT-&lt;version&gt;=&lt;percent&gt;</c>.</exception>
    public static RolloutEntry Parse(string name, string source, int line)
    {
        ReadOnlySpan<char> body = name.AsSpan(Prefix.Length);
        int equals = body.IndexOf('=');
        if (equals < 0)
            throw Malformed(source, line, name, "no '=' before the percentage");
        string version = body[..equals].ToString();
        if (!Versions.VersionString.IsValid(version))
            throw Malformed(source, line, name, $"'{version}' is not a valid version");
        if (!TryParsePercent(body[(equals + 1)..], out int basisPoints))
            throw Malformed(source, line, name, "the percentage must be 0 to 100 with at most two decimals, e.g. 25 or 12.5");
        return new RolloutEntry(version, basisPoints, line);
    }

    private static ManifestFormatException Malformed(string source, int line, string name, string why) =>
        new(source, line, $"Malformed rollout entry '{name}' ({why}); expected ROLLOUT-<version>=<percent>, refusing.");

    private static bool TryParsePercent(ReadOnlySpan<char> text, out int basisPoints)
    {
        basisPoints = 0;
        int dot = text.IndexOf('.');
        ReadOnlySpan<char> whole = dot < 0 ? text : text[..dot];
        ReadOnlySpan<char> fraction = dot < 0 ? [] : text[(dot + 1)..];
        if (whole.IsEmpty || whole.Length > 3 || (dot >= 0 && (fraction.IsEmpty || fraction.Length > MaxDecimals)))
            return false;
        int value = 0;
        foreach (char c in whole)
        {
            if (!char.IsAsciiDigit(c))
                return false;
            value = value * 10 + (c - '0');
        }
        int hundredths = 0;
        for (int i = 0; i < MaxDecimals; i++)
        {
            char c = i < fraction.Length ? fraction[i] : '0';
            if (!char.IsAsciiDigit(c))
                return false;
            hundredths = hundredths * 10 + (c - '0');
        }
        basisPoints = value * 100 + hundredths;
        return basisPoints <= AllBasisPoints;
    }
}
