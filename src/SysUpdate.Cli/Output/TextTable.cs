using System.Globalization;
using System.Text;

namespace SysUpdate.Cli.Output;

/// <summary>
/// A plain-text table as systemd prints them: upper-case header (unless <c>--no-legend</c>),
/// columns padded to their widest cell and separated by one space, empty cells shown as "-",
/// cells with several lines (separated by <c>\n</c>), columns may be hidden or right-aligned.
/// </summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string?[]> _rows = [];
    private readonly HashSet<int> _hidden = [];
    private readonly HashSet<int> _rightAligned = [];

    public string Ersatz { get; init; } = "-";

    public int RowCount => _rows.Count;

    public void AddRow(params string?[] cells)
    {
        if (cells.Length != headers.Length)
            throw new ArgumentException($"expected {headers.Length} cells", nameof(cells));
        _rows.Add(cells);
    }

    public void Hide(params int[] columns) => _hidden.UnionWith(columns);

    public void AlignRight(params int[] columns) => _rightAligned.UnionWith(columns);

    public void Write(TextWriter output, bool legend)
    {
        var columns = Enumerable.Range(0, headers.Length).Where(c => !_hidden.Contains(c)).ToList();
        var lines = new List<string?[]>();
        if (legend)
            lines.Add(headers.Select(h => h.ToUpperInvariant()).ToArray());
        lines.AddRange(_rows.Select(r => r.Select(c => c ?? Ersatz).ToArray()));

        // A cell may hold several lines (one Documentation= URL each): the row grows, the other
        // columns stay blank on the extra lines, as systemd's tables print string lists.
        var physical = new List<string[]>();
        foreach (var line in lines)
        {
            var split = line.Select(c => (c ?? "").Split('\n')).ToArray();
            int height = split.Max(c => c.Length);
            for (int row = 0; row < height; row++)
                physical.Add(split.Select(c => row < c.Length ? c[row] : "").ToArray());
        }

        var widths = columns.ToDictionary(c => c, c => physical.Count == 0 ? 0 : physical.Max(l => Width(l[c])));
        var sb = new StringBuilder();
        foreach (var line in physical)
        {
            sb.Clear();
            for (int i = 0; i < columns.Count; i++)
            {
                int c = columns[i];
                string cell = line[c];
                bool last = i == columns.Count - 1;
                int pad = widths[c] - Width(cell);
                if (_rightAligned.Contains(c))
                    sb.Append(' ', pad).Append(cell);
                else
                    sb.Append(cell).Append(' ', last ? 0 : pad);
                if (!last)
                    sb.Append(' ');
            }
            output.WriteLine(sb.ToString().TrimEnd());
        }
    }

    private static int Width(string text)
    {
        int width = 0;
        var e = StringInfo.GetTextElementEnumerator(text);
        while (e.MoveNext())
            width++;
        return width;
    }
}
