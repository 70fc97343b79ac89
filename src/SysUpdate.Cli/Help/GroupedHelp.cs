using System.CommandLine;
using System.CommandLine.Help;
using System.Text;

namespace SysUpdate.Cli.Help;

/// <summary>
/// <c>--help</c> laid out as systemd's tools lay it out: a usage line, the description, then
/// "Commands:" (each verb with its arguments) and "Options:" (short and long spelling with the value
/// name), then a pointer to the man page. Everything comes from the registered commands and
/// options, so a new verb or option shows up without touching this type.
/// </summary>
internal static class GroupedHelp
{
    private const int Width = 79;
    private const int Indent = 2;
    private const int LabelWidth = 26;

    /// <summary>Makes <c>-h</c>/<c>--help</c> of <paramref name="root"/> and every subcommand print this layout.</summary>
    public static void Install(RootCommand root, string manPage, TextWriter output)
    {
        foreach (Option option in root.Options)
        {
            switch (option)
            {
                case HelpOption help:
                    help.Description = "Show this help";
                    help.Action = new GroupedHelpAction(manPage, output);
                    break;
                case VersionOption version:
                    version.Description = "Show package version";
                    break;
            }
        }
    }

    public static void Write(Command command, string manPage, TextWriter output)
    {
        var path = new List<Command>();
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
            path.Insert(0, c);

        var text = new StringBuilder();
        string name = string.Join(' ', path.Select(c => c.Name));
        var subcommands = command.Subcommands.Where(c => !c.Hidden).ToList();
        text.Append(name).Append(" [OPTION…]");
        if (subcommands.Count > 0)
            text.Append(" COMMAND …");
        foreach (Argument argument in command.Arguments.Where(a => !a.Hidden))
            text.Append(' ').Append(ArgumentLabel(argument));
        text.Append("\n\n");
        if (!string.IsNullOrEmpty(command.Description))
            text.Append(command.Description).Append("\n\n");

        if (subcommands.Count > 0)
        {
            text.Append("Commands:\n");
            foreach (Command subcommand in subcommands)
                AppendRow(text, string.Join(' ', [subcommand.Name, .. subcommand.Arguments.Where(a => !a.Hidden).Select(ArgumentLabel)]), subcommand.Description);
            text.Append('\n');
        }

        var options = OptionsOf(path).ToList();
        if (options.Count > 0)
        {
            text.Append("Options:\n");
            foreach (Option option in options)
                AppendRow(text, OptionLabel(option), option.Description);
            text.Append('\n');
        }

        text.Append("See the ").Append(manPage).Append(" man page for details.\n");
        output.Write(text.ToString());
    }

    /// <summary>The options of <paramref name="path"/>'s last command and the recursive ones of its ancestors, help and version first.</summary>
    private static IEnumerable<Option> OptionsOf(List<Command> path)
    {
        var seen = new HashSet<Option>();
        var all = path[^1].Options.Concat(path.SkipLast(1).SelectMany(c => c.Options.Where(o => o.Recursive)))
            .Where(o => !o.Hidden && seen.Add(o))
            .ToList();
        return all.OrderBy(o => o is HelpOption ? 0 : o is VersionOption ? 1 : 2);
    }

    private static string ArgumentLabel(Argument argument)
    {
        string label = argument.HelpName ?? argument.Name.ToUpperInvariant();
        if (argument.Arity.MaximumNumberOfValues > 1)
            label += "…";
        return argument.Arity.MinimumNumberOfValues == 0 ? $"[{label}]" : label;
    }

    private static string OptionLabel(Option option)
    {
        string? shortName = option.Aliases.Append(option.Name).FirstOrDefault(a => a.Length == 2 && a[0] == '-' && a[1] != '-');
        string longName = option.Aliases.Append(option.Name).Where(a => a.StartsWith("--", StringComparison.Ordinal)).OrderByDescending(a => a == option.Name).FirstOrDefault() ?? option.Name;
        var label = new StringBuilder(shortName is null ? "   " : shortName + " ").Append(longName);
        bool takesValue = option.Arity.MaximumNumberOfValues > 0 && option.ValueType != typeof(bool);
        if (takesValue)
            label.Append('=').Append(option.HelpName ?? longName.TrimStart('-').ToUpperInvariant());
        return label.ToString();
    }

    private static void AppendRow(StringBuilder text, string label, string? description)
    {
        text.Append(' ', Indent).Append(label);
        int column = Indent + LabelWidth;
        if (label.Length < LabelWidth)
            text.Append(' ', LabelWidth - label.Length);
        else
            text.Append('\n').Append(' ', column);

        int at = column;
        bool first = true;
        foreach (string word in (description ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!first && at + 1 + word.Length > Width)
            {
                text.Append('\n').Append(' ', column);
                at = column;
                first = true;
            }
            if (!first)
            {
                text.Append(' ');
                at++;
            }
            text.Append(word);
            at += word.Length;
            first = false;
        }
        text.Append('\n');
    }
}
