using System.CommandLine;
using System.CommandLine.Invocation;

namespace SysUpdate.Cli.Help;

/// <summary>The <c>--help</c> action: prints <see cref="GroupedHelp"/> for the command the option was given to.</summary>
internal sealed class GroupedHelpAction(string manPage, TextWriter output) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        GroupedHelp.Write(parseResult.CommandResult.Command, manPage, output);
        return 0;
    }
}
