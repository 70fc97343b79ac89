using System.Globalization;
using System.Text;

namespace UpdateCtl.Output;

/// <summary>A plain-text table as systemd tools print them: upper-case header unless <c>--no-legend</c>, padded columns.</summary>
internal sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public int RowCount => _rows.Count;

    public void AddRow(params string?[] cells) => _rows.Add(cells.Select(c => string.IsNullOrEmpty(c) ? "-" : c).ToArray());

    public void Write(TextWriter output, bool legend)
    {
        var lines = new List<string[]>();
        if (legend)
            lines.Add(headers.Select(h => h.ToUpperInvariant()).ToArray());
        lines.AddRange(_rows);
        var widths = Enumerable.Range(0, headers.Length).Select(c => lines.Max(l => Width(l[c]))).ToArray();
        var sb = new StringBuilder();
        foreach (var line in lines)
        {
            sb.Clear();
            for (int c = 0; c < headers.Length; c++)
            {
                sb.Append(line[c]);
                if (c < headers.Length - 1)
                    sb.Append(' ', widths[c] - Width(line[c]) + 1);
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
