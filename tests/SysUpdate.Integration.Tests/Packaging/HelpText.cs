namespace SysUpdate.Integration.Tests.Packaging;

/// <summary>The verbs and long options a <c>--help</c> in systemd's layout lists.</summary>
internal sealed record HelpText(string Usage, IReadOnlyList<string> Verbs, IReadOnlyList<string> LongOptions, string Footer)
{
    public static HelpText Parse(string text)
    {
        string[] lines = text.Split('\n');
        return new HelpText(lines[0], Section(lines, "Commands:").Select(FirstWord).ToList(),
            Section(lines, "Options:").Select(LongOption).ToList(),
            lines.Last(l => l.Length > 0));
    }

    // A row's label starts within the first few columns; a wrapped description continues at column 28.
    private static IEnumerable<string> Section(string[] lines, string title) =>
        lines.SkipWhile(l => l != title).Skip(1).TakeWhile(l => l.Length > 0).Where(l => l.Length - l.TrimStart().Length < 8);

    private static string FirstWord(string line) => line.TrimStart().Split(' ')[0];

    // "-C --component=NAME  Select…" or "   --root=PATH  Operate…": the word starting with "--", without "=VALUE".
    private static string LongOption(string line) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries).First(w => w.StartsWith("--", StringComparison.Ordinal)).Split('=')[0];
}
