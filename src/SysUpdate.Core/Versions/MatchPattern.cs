using System.Globalization;
using System.Text;

namespace SysUpdate.Core.Versions;

/// <summary>
/// One <c>MatchPattern=</c> value (sysupdate.d(5)): literal text, <c>/</c> path separators and
/// <c>@X</c> field markers, e.g. <c>usr-@v-@u.raw</c> or <c>uki_@v+@l-@d.efi</c>. Parsed once and
/// immutable; <see cref="Match"/> reads an instance name into <see cref="InstanceMetadata"/> and
/// <see cref="Format"/> writes one.
/// </summary>
/// <remarks>
/// Syntax: <c>@@</c> is a literal <c>@</c>; every field at most once, <c>@v</c> required; two
/// fields must be separated by literal text or <c>/</c>; literal characters are printable ASCII
/// except <c>$ * ? [ ] ! \ |</c>. A source pattern may start with <c>**/</c>
/// (<see cref="HasGlobPrefix"/>): the rest, a single file name, is then matched against the last
/// component of paths at any depth.
/// </remarks>
internal sealed partial class MatchPattern
{
    /// <summary>The prefix that makes a pattern match basenames at any depth.</summary>
    public const string GlobPrefix = "**/";

    private readonly PatternElement[] _elements;
    private readonly string _markers;
    private readonly MatchPattern _withoutGlobPrefix;

    private MatchPattern(string text, PatternElement[] elements, string markers)
    {
        Text = text;
        _elements = elements;
        _markers = markers;
        _withoutGlobPrefix = this;
    }

    private MatchPattern(string text, MatchPattern body)
    {
        Text = text;
        _elements = body._elements;
        _markers = body._markers;
        _withoutGlobPrefix = body;
        HasGlobPrefix = true;
    }

    /// <summary>The pattern exactly as written, including any <c>**/</c> prefix.</summary>
    public string Text { get; }

    /// <summary>True for a <c>**/NAME</c> pattern (allowed in sources only; the caller checks that).</summary>
    public bool HasGlobPrefix { get; }

    /// <summary>The parsed pieces, after any <c>**/</c> prefix.</summary>
    public IReadOnlyList<PatternElement> Elements => _elements;

    /// <summary>
    /// Parses and validates <paramref name="text"/>.
    /// </summary>
    /// <exception cref="PatternSyntaxException">The pattern is malformed; the message says how.</exception>
    public static MatchPattern Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        if (!text.StartsWith(GlobPrefix, StringComparison.Ordinal))
        {
            return ParseBody(text, text);
        }

        string bodyText = text[GlobPrefix.Length..];
        MatchPattern body = ParseBody(bodyText, text);
        if (bodyText.Contains('/', StringComparison.Ordinal))
        {
            throw new PatternSyntaxException(text, $"The part after '{GlobPrefix}' must be a single file name without '/'");
        }

        // Every character was checked to be ASCII, so the length is the length in bytes.
        if (bodyText.Length > VersionString.MaxLength)
        {
            throw new PatternSyntaxException(text, $"The part after '{GlobPrefix}' is longer than {VersionString.MaxLength} bytes");
        }

        return new MatchPattern(text, body);
    }

    /// <summary>
    /// This pattern without its <c>**/</c> prefix (a target inherits a source's patterns this way);
    /// the pattern itself when it has none.
    /// </summary>
    public MatchPattern WithoutGlobPrefix() => _withoutGlobPrefix;

    /// <summary>True if the pattern contains field <c>@<paramref name="marker"/></c> (e.g. <c>'v'</c>, <c>'h'</c>).</summary>
    public bool HasField(char marker) => _markers.Contains(marker, StringComparison.Ordinal);

    public override string ToString() => Text;

    private static MatchPattern ParseBody(string body, string fullText)
    {
        var elements = new List<PatternElement>();
        var literal = new StringBuilder();
        var markers = new StringBuilder();
        bool at = false, lastLiteral = true, lastSlash = false;
        char lastMarker = '\0';

        void FlushLiteral()
        {
            if (literal.Length > 0)
            {
                elements.Add(PatternElement.Literal(literal.ToString()));
                literal.Clear();
            }
        }

        foreach (char c in body)
        {
            if (c == '@')
            {
                if (!at)
                {
                    at = true;
                    continue;
                }

                // "@@": one literal '@', handled below like any other literal character.
                at = false;
            }
            else if (at)
            {
                if (!PatternField.IsKnown(c))
                {
                    throw new PatternSyntaxException(fullText, $"Unknown pattern field marker '@{Printable(c)}'");
                }

                if (markers.ToString().Contains(c, StringComparison.Ordinal))
                {
                    throw new PatternSyntaxException(fullText, $"Pattern field marker '@{c}' appears more than once");
                }

                if (!lastLiteral && !lastSlash)
                {
                    throw new PatternSyntaxException(fullText, $"Pattern field markers '@{lastMarker}' and '@{c}' must be separated by literal text or '/'");
                }

                FlushLiteral();
                elements.Add(PatternElement.Field(c));
                markers.Append(c);
                lastMarker = c;
                at = lastLiteral = lastSlash = false;
                continue;
            }

            if (c == '/')
            {
                FlushLiteral();
                elements.Add(PatternElement.Slash);
                lastLiteral = false;
                lastSlash = true;
                continue;
            }

            if (!IsValidLiteralChar(c))
            {
                throw new PatternSyntaxException(fullText, $"Invalid character '{Printable(c)}' in pattern");
            }

            literal.Append(c);
            lastLiteral = true;
            lastSlash = false;
        }

        if (at)
        {
            throw new PatternSyntaxException(fullText, "Trailing '@' in pattern (write '@@' for a literal '@')");
        }

        if (!markers.ToString().Contains('v', StringComparison.Ordinal))
        {
            throw new PatternSyntaxException(fullText, "Version field marker '@v' missing from pattern");
        }

        FlushLiteral();
        return new MatchPattern(body, [.. elements], markers.ToString());
    }

    /// <summary>Printable ASCII, minus the characters systemd reserves for glob-like syntax.</summary>
    private static bool IsValidLiteralChar(char c) =>
        c is >= ' ' and <= '~' && c is not ('$' or '*' or '?' or '[' or ']' or '!' or '\\' or '|');

    private static string Printable(char c) =>
        c is >= ' ' and <= '~' ? c.ToString() : "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture);
}
