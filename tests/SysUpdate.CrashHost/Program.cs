using SysUpdate.Cli;
using SysUpdate.Core.Faults;
using SysUpdate.CrashHost;

// SysUpdate.CrashHost --crash-at=STEP[,STEP…] [sysupdate arguments…]
// Runs sysupdate's command line, killing itself (SIGKILL) at the first of the named CrashSteps it reaches.
const string Prefix = "--crash-at=";
if (args.Length == 0 || !args[0].StartsWith(Prefix, StringComparison.Ordinal))
{
    await Console.Error.WriteLineAsync($"usage: SysUpdate.CrashHost {Prefix}STEP[,STEP...] [sysupdate arguments...]").ConfigureAwait(false);
    return 2;
}

var armed = new HashSet<CrashStep>();
foreach (string name in args[0][Prefix.Length..].Split(','))
{
    if (!Enum.TryParse(name, ignoreCase: false, out CrashStep step) || !Enum.IsDefined(step))
    {
        await Console.Error.WriteLineAsync($"SysUpdate.CrashHost: unknown crash step '{name}' (one of: {string.Join(", ", Enum.GetNames<CrashStep>())})").ConfigureAwait(false);
        return 2;
    }
    armed.Add(step);
}

return await new CliApp(Console.Out, Console.Error, new SelfKillingFaultInjector(armed)).RunMainAsync(args[1..]).ConfigureAwait(false);
