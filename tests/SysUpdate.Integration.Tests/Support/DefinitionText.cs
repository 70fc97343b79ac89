namespace SysUpdate.Integration.Tests.Support;

/// <summary>
/// A unit-file text as lines, edited by (section, key) so that a test knows the 1-based line number
/// of the line it changed.
/// </summary>
internal sealed class DefinitionText(IEnumerable<string> lines)
{
    private readonly List<string> _lines = lines.ToList();

    public override string ToString() => string.Join('\n', _lines) + "\n";

    /// <summary>Replaces <c>key=</c> in <paramref name="section"/> (or appends it to the section); returns its line.</summary>
    public int Set(string section, string key, string value)
    {
        var (start, end) = SectionRange(section);
        for (int i = start + 1; i < end; i++)
        {
            if (_lines[i].StartsWith(key + "=", StringComparison.Ordinal))
            {
                _lines[i] = $"{key}={value}";
                return i + 1;
            }
        }
        int at = end;
        while (at > start + 1 && _lines[at - 1].Length == 0)
            at--;
        _lines.Insert(at, $"{key}={value}");
        return at + 1;
    }

    /// <summary>The line of <c>key=</c> in <paramref name="section"/>.</summary>
    public int Line(string section, string key)
    {
        var (start, end) = SectionRange(section);
        int index = _lines.FindIndex(start + 1, end - start - 1, l => l.StartsWith(key + "=", StringComparison.Ordinal));
        return index < 0 ? throw new InvalidOperationException($"no {key}= in [{section}]") : index + 1;
    }

    /// <summary>Inserts a raw line right after the header of <paramref name="section"/>; returns its line.</summary>
    public int InsertInSection(string section, string text)
    {
        var (start, _) = SectionRange(section);
        _lines.Insert(start + 1, text);
        return start + 2;
    }

    /// <summary>Deletes <c>key=</c> from <paramref name="section"/>.</summary>
    public void Remove(string section, string key)
    {
        var (start, end) = SectionRange(section);
        int index = _lines.FindIndex(start + 1, end - start - 1, l => l.StartsWith(key + "=", StringComparison.Ordinal));
        if (index < 0)
            throw new InvalidOperationException($"no {key}= in [{section}]");
        _lines.RemoveAt(index);
    }

    /// <summary>Inserts a raw line so that it becomes line <paramref name="lineNumber"/>.</summary>
    public int InsertAt(int lineNumber, string text)
    {
        _lines.Insert(lineNumber - 1, text);
        return lineNumber;
    }

    /// <summary>Replaces the section header line of <paramref name="section"/>; returns its line.</summary>
    public int ReplaceHeader(string section, string text)
    {
        var (start, _) = SectionRange(section);
        _lines[start] = text;
        return start + 1;
    }

    private (int Start, int End) SectionRange(string section)
    {
        int start = _lines.IndexOf($"[{section}]");
        if (start < 0)
            throw new InvalidOperationException($"no [{section}]");
        int end = _lines.FindIndex(start + 1, l => l.StartsWith('['));
        return (start, end < 0 ? _lines.Count : end);
    }
}
