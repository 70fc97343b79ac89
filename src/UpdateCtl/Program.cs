using System.CommandLine;
using UpdateCtl;

var app = new UpdateCtlApp(Console.Out, Console.Error);
var parse = app.BuildRootCommand().Parse(args);
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) }).ConfigureAwait(false);
