using System.Text;

namespace SysUpdate.Core.Config;

/// <summary>Parses os-release(5): shell-like <c>KEY=value</c> lines with optional quotes.</summary>
internal static class OsReleaseParser
{
    public static Dictionary<string, string> Parse(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
                continue;
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                continue;
            result[line[..eq]] = Unquote(line[(eq + 1)..]);
        }
        return result;
    }

    private static string Unquote(string value)
    {
        var sb = new StringBuilder(value.Length);
        char quote = '\0';
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (quote == '\0' && c is '"' or '\'')
                quote = c;
            else if (quote != '\0' && c == quote)
                quote = '\0';
            else if (c == '\\' && quote != '\'' && i + 1 < value.Length)
                sb.Append(value[++i]);
            else
                sb.Append(c);
        }
        return sb.ToString();
    }
}
