using System.Globalization;
using System.Text;

namespace SysUpdate.Cli.Output;

/// <summary>
/// A plain-text table as systemd prints them: upper-case header (unless <c>--no-legend</c>),
/// columns padded to their widest cell and separated by one space, empty cells shown as "-",
/// columns may be hidden or right-aligned.
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

        var widths = columns.ToDictionary(c => c, c => lines.Max(l => Width(l[c] ?? "")));
        var sb = new StringBuilder();
        foreach (var line in lines)
        {
            sb.Clear();
            for (int i = 0; i < columns.Count; i++)
            {
                int c = columns[i];
                string cell = line[c] ?? "";
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
