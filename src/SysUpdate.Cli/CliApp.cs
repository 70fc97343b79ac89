using System.CommandLine;
using SysUpdate.Cli.Commands;
using SysUpdate.Cli.Commands.CheckNew;
using SysUpdate.Cli.Commands.Components;
using SysUpdate.Cli.Commands.Features;
using SysUpdate.Cli.Commands.List;
using SysUpdate.Cli.Commands.Pending;
using SysUpdate.Cli.Commands.Update;
using SysUpdate.Cli.Commands.Vacuum;
using SysUpdate.Cli.Help;
using SysUpdate.Cli.Varlink;
using SysUpdate.Core;
using SysUpdate.Core.Faults;
using SysUpdate.Varlink;
using SysUpdate.Varlink.Server;

namespace SysUpdate.Cli;

/// <summary>
/// The <c>sysupdate</c> command line: builds the root command with every verb and the shared
/// options, and runs a verb with the one error policy: a <see cref="SysUpdateException"/> (or an
/// unexpected <see cref="IOException"/> / <see cref="UnauthorizedAccessException"/>) is one line
/// on stderr and exit 1; cancellation (SIGINT/SIGTERM) exits 130; anything else is a bug and keeps
/// its stack trace.
/// </summary>
/// <param name="faults">Crash tests' seam, handed to every run's <see cref="SysUpdateOptions"/>: only the
/// test-only crash host (tests/SysUpdate.CrashHost) passes one; the shipped <c>sysupdate</c> passes null.</param>
internal sealed class CliApp(TextWriter output, TextWriter error, IFaultInjector? faults = null)
{
    public CommonOptions Options { get; } = new();

    /// <summary>The whole program: parses <paramref name="args"/> and runs the verb; returns the exit code.</summary>
    public async Task<int> RunMainAsync(string[] args)
    {
        var parse = BuildRootCommand().Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line per problem, as systemd tools do; the full help only when asked for.
            foreach (var problem in parse.Errors)
                await error.WriteLineAsync(problem.Message).ConfigureAwait(false);
            await error.WriteLineAsync("See 'sysupdate --help'.").ConfigureAwait(false);
            return 1;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) }).ConfigureAwait(false);
    }

    public RootCommand BuildRootCommand()
    {
        var root = new RootCommand("Update OS images (a drop-in for systemd-sysupdate).");
        foreach (var option in Options.All)
            root.Add(option);
        root.Add(ListCommand.Create(this));
        root.Add(FeaturesCommand.Create(this));
        root.Add(EnableFeatureCommand.Create(this, enable: true));
        root.Add(EnableFeatureCommand.Create(this, enable: false));
        root.Add(CheckNewCommand.Create(this));
        root.Add(UpdateCommand.CreateUpdate(this));
        root.Add(UpdateCommand.CreateAcquire(this));
        root.Add(VacuumCommand.Create(this));
        root.Add(CleanupCommand.Create(this));
        root.Add(PendingCommand.Create(this, "pending"));
        root.Add(PendingCommand.Create(this, "reboot"));
        root.Add(ComponentsCommand.Create(this));
        root.Add(EnableComponentCommand.Create(this, enable: true));
        root.Add(EnableComponentCommand.Create(this, enable: false));
        root.Add(VarlinkCommand.Create(this));
        // No verb means "list", as upstream; started by a socket unit (LISTEN_FDS, as upstream's
        // systemd-sysupdate@.service runs it) it means serving io.systemd.SysUpdate on the passed sockets.
        root.SetAction((parse, ct) => RunAsync(parse, ct, (cli, token) => SocketActivation.IsActivated()
            ? VarlinkCommand.ServeAsync(cli, listen: null, token)
            : ListCommand.ExecuteAsync(cli, null, token)));
        GroupedHelp.Install(root, "sysupdate(8)", output);
        return root;
    }

    public async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken, Func<CliInvocation, CancellationToken, Task<int>> body)
    {
        try
        {
            var cli = new CliInvocation(parse, Options, output, error, faults);
            return await body(cli, cancellationToken).ConfigureAwait(false);
        }
        catch (SysUpdateException ex)
        {
            await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 1;
        }
        catch (VarlinkException ex)
        {
            await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A safety net: the engine turns the file-system errors it expects into SysUpdateExceptions
            // at their source; one it did not expect is still the environment, not a bug to trace.
            await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("Operation cancelled.").ConfigureAwait(false);
            return 130;
        }
        finally
        {
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
