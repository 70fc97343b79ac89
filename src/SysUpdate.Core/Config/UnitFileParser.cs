namespace SysUpdate.Core.Config;

/// <summary>
/// Reads systemd unit-file syntax (the subset <c>.transfer</c>, <c>.feature</c> and <c>.component</c>
/// files use): <c>[Section]</c> headers, <c>Key=Value</c> lines, <c>#</c>/<c>;</c> comments and
/// trailing-backslash continuation. It knows nothing about keys; callers dispatch entries.
/// </summary>
internal static class UnitFileParser
{
    public static IReadOnlyList<UnitFileEntry> Parse(string path, string text, ICollection<ConfigDiagnostic> diagnostics)
    {
        var entries = new List<UnitFileEntry>();
        string? section = null;
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNumber = i + 1;
            string line = lines[i].Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
                continue;

            // Continuation: a trailing backslash joins the next line with a space; comment lines
            // inside a continued value are skipped, as systemd does.
            while (line.EndsWith('\\') && i + 1 < lines.Length)
            {
                line = line[..^1];
                string next = lines[++i].Trim();
                if (next.Length > 0 && next[0] is '#' or ';')
                    continue;
                line = line + " " + next;
            }
            if (line.EndsWith('\\'))
                line = line[..^1];
            line = line.Trim();

            var location = new SourceLocation(path, lineNumber);
            if (line[0] == '[')
            {
                if (line[^1] != ']' || line.Length < 3)
                    throw new ConfigSyntaxException(location, "Invalid section header", line);
                section = line[1..^1];
                continue;
            }

            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                throw new ConfigSyntaxException(location, "Missing '=' in assignment", line);
            if (section is null)
                throw new ConfigSyntaxException(location, "Assignment outside of any section", line);

            entries.Add(new UnitFileEntry(section, line[..eq].TrimEnd(), line[(eq + 1)..].TrimStart(), location));
        }
        return entries;
    }
}
