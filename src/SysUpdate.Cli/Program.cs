using System.CommandLine;
using SysUpdate.Cli;

var app = new CliApp(Console.Out, Console.Error);
var parse = app.BuildRootCommand().Parse(args);
if (parse.Errors.Count > 0)
{
    // One line per problem, as systemd tools do; the full help only when asked for.
    foreach (var error in parse.Errors)
        Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine("See 'sysupdate --help'.");
    return 1;
}
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) }).ConfigureAwait(false);
