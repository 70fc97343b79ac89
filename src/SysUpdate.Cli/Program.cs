using SysUpdate.Cli;

return await new CliApp(Console.Out, Console.Error).RunMainAsync(args).ConfigureAwait(false);
