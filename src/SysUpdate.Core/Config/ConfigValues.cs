using System.Globalization;
using System.Text;

namespace SysUpdate.Core.Config;

/// <summary>Parsers for the value syntaxes of systemd configuration files. Each returns false on
/// bad input; the caller turns that into a <see cref="ConfigSyntaxException"/> with its location.</summary>
internal static class ConfigValues
{
    /// <summary>systemd's <c>parse_boolean()</c>.</summary>
    public static bool TryParseBoolean(string value, out bool result)
    {
        switch (value.ToLowerInvariant())
        {
            case "1" or "yes" or "y" or "true" or "t" or "on":
                result = true;
                return true;
            case "0" or "no" or "n" or "false" or "f" or "off":
                result = false;
                return true;
            default:
                result = false;
                return false;
        }
    }

    /// <summary>A percentage as systemd writes it: <c>0%</c> … <c>100%</c>, the sign required.</summary>
    public static bool TryParsePercent(string value, out int result)
    {
        result = 0;
        return value.Length > 1 && value[^1] == '%' && int.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None,
            CultureInfo.InvariantCulture, out result) && result <= 100;
    }

    /// <summary>Decimal unsigned 64-bit (<c>safe_atou64</c>): digits only, no sign.</summary>
    public static bool TryParseUInt64(string value, out ulong result)
    {
        result = 0;
        if (value.Length == 0 || !value.All(char.IsAsciiDigit))
            return false;
        return ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result);
    }

    /// <summary>
    /// A size in bytes as systemd's <c>parse_size(…, 1024)</c> writes it: digits with an optional fraction and an
    /// optional suffix <c>B</c>, <c>K</c>, <c>M</c>, <c>G</c>, <c>T</c>, <c>P</c> or <c>E</c> (powers of 1024), e.g.
    /// <c>16M</c>, <c>1.5G</c>, <c>4096</c>.
    /// </summary>
    public static bool TryParseSize(string value, out long result)
    {
        result = 0;
        string text = value.Trim();
        int end = text.Length;
        while (end > 0 && !char.IsAsciiDigit(text[end - 1]) && text[end - 1] != '.')
            end--;
        string number = text[..end];
        string suffix = text[end..].Trim();
        int shift = suffix switch
        {
            "" or "B" => 0,
            "K" => 10,
            "M" => 20,
            "G" => 30,
            "T" => 40,
            "P" => 50,
            "E" => 60,
            _ => -1,
        };
        if (shift < 0 || number.Length == 0 || !char.IsAsciiDigit(number[0]) || !number.All(c => char.IsAsciiDigit(c) || c == '.')
            || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal amount))
            return false;
        decimal bytes = amount * (decimal)Math.Pow(2, shift);
        if (bytes > long.MaxValue)
            return false;
        result = (long)bytes;
        return true;
    }

    /// <summary>Hexadecimal unsigned 64-bit (<c>safe_atoux64</c>), an optional <c>0x</c> prefix allowed.</summary>
    public static bool TryParseHexUInt64(string value, out ulong result)
    {
        result = 0;
        string digits = value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? value[2..] : value;
        if (digits.Length == 0 || !digits.All(char.IsAsciiHexDigit))
            return false;
        return ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out result);
    }

    /// <summary>An octal access mode of at most 07777 (<c>parse_mode</c>).</summary>
    public static bool TryParseMode(string value, out uint result)
    {
        result = 0;
        if (value.Length == 0 || value.Length > 5 || !value.All(c => c is >= '0' and <= '7'))
            return false;
        result = Convert.ToUInt32(value, 8);
        return result <= Convert.ToUInt32("7777", 8);
    }

    /// <summary>A 128-bit id as 32 hex digits or in the dashed 8-4-4-4-12 form (<c>sd_id128_from_string</c>).</summary>
    public static bool TryParseUuid(string value, out Guid result)
    {
        result = Guid.Empty;
        if (value.Length == 32 && value.All(char.IsAsciiHexDigit))
            return Guid.TryParseExact(value, "N", out result);
        if (value.Length == 36)
            return Guid.TryParseExact(value, "D", out result);
        return false;
    }

    /// <summary>
    /// Splits a value into words the way <c>extract_first_word(…, EXTRACT_CUNESCAPE|EXTRACT_UNESCAPE_RELAX)</c>
    /// with quote handling does: whitespace separates, single and double quotes group, C escapes are
    /// decoded, an unknown escape keeps its backslash.
    /// </summary>
    public static bool TrySplitWords(string value, out List<string> words)
    {
        words = [];
        var current = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (quote == '\0' && char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
                continue;
            }
            inWord = true;
            if (quote != '\0' && c == quote)
            {
                quote = '\0';
                continue;
            }
            if (quote == '\0' && c is '"' or '\'')
            {
                quote = c;
                continue;
            }
            if (c == '\\')
            {
                if (i + 1 >= value.Length)
                    return false;
                char e = value[++i];
                switch (e)
                {
                    case 'a': current.Append('\a'); break;
                    case 'b': current.Append('\b'); break;
                    case 'f': current.Append('\f'); break;
                    case 'n': current.Append('\n'); break;
                    case 'r': current.Append('\r'); break;
                    case 't': current.Append('\t'); break;
                    case 'v': current.Append('\v'); break;
                    case '\\' or '"' or '\'' or ' ': current.Append(e); break;
                    case 's': current.Append(' '); break;
                    case 'x' when i + 2 < value.Length && char.IsAsciiHexDigit(value[i + 1]) && char.IsAsciiHexDigit(value[i + 2]):
                        current.Append((char)Convert.ToInt32(value.Substring(i + 1, 2), 16));
                        i += 2;
                        break;
                    default:
                        current.Append('\\').Append(e);
                        break;
                }
                continue;
            }
            current.Append(c);
        }
        if (quote != '\0')
            return false;
        if (inWord)
            words.Add(current.ToString());
        return true;
    }

    /// <summary>A path is absolute and normalized: no <c>.</c>/<c>..</c> components, no <c>//</c>,
    /// no trailing slash (except "/" itself).</summary>
    public static bool IsNormalizedAbsolutePath(string path)
    {
        if (path.Length == 0 || path[0] != '/')
            return false;
        if (path == "/")
            return true;
        if (path.EndsWith('/') || path.Contains("//", StringComparison.Ordinal))
            return false;
        foreach (var part in path.Split('/'))
        {
            if (part is "." or "..")
                return false;
        }
        return true;
    }

    /// <summary><c>path_simplify</c>: collapses <c>//</c>, drops <c>.</c> components and a trailing slash.</summary>
    public static string SimplifyPath(string path)
    {
        bool absolute = path.StartsWith('/');
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".");
        string joined = string.Join('/', parts);
        return absolute ? "/" + joined : (joined.Length == 0 ? "." : joined);
    }
}
