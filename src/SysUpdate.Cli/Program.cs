using System.CommandLine;
using SysUpdate.Cli;

var app = new CliApp(Console.Out, Console.Error);
var parse = app.BuildRootCommand().Parse(args);
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) }).ConfigureAwait(false);
