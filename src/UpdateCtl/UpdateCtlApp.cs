using System.CommandLine;
using System.Net.Sockets;
using System.Text.Json;
using SysUpdate.Cli.Help;
using SysUpdate.Varlink;
using SysUpdate.Varlink.Client;
using UpdateCtl.Commands;

namespace UpdateCtl;

/// <summary>
/// The <c>updatectl</c> command line: a Varlink client of <c>io.systemd.SysUpdate</c> for people.
/// Errors are one line on stderr and exit 1; Ctrl-C cancels (closing the connection cancels the
/// server's operation) and exits 130.
/// </summary>
internal sealed class UpdateCtlApp(TextWriter output, TextWriter error)
{
    public const string DefaultSocket = "/run/systemd/io.systemd.SysUpdate";
    public const string Interface = "io.systemd.SysUpdate";

    public readonly Option<string?> Socket = new("--socket") { Description = "Talk to the service at this Unix socket", HelpName = "PATH", Recursive = true };
    public readonly Option<bool> Offline = new("--offline") { Description = "Do not fetch metadata from the network", Recursive = true };
    public readonly Option<bool> NoLegend = new("--no-legend") { Description = "Do not show the headers and footers", Recursive = true };
    public readonly Option<bool> NoPager = new("--no-pager") { Description = "Do not pipe output into a pager", Recursive = true };
    public readonly Option<string?> ReplyTimeout = new("--timeout")
    {
        Description = "Seconds to wait for a reply, and between progress replies of update (default 45 and 600; 0 or 'infinity': forever)",
        HelpName = "SEC",
        Recursive = true,
    };

    public TextWriter Output => output;

    public TextWriter Error => error;

    public RootCommand BuildRootCommand()
    {
        var root = new RootCommand("Manage system updates (a Varlink client of io.systemd.SysUpdate).");
        root.Add(Socket);
        root.Add(Offline);
        root.Add(NoLegend);
        root.Add(NoPager);
        root.Add(ReplyTimeout);
        root.Add(ListCommand.Create(this));
        root.Add(CheckCommand.Create(this));
        root.Add(UpdateCommand.Create(this));
        root.Add(VacuumCommand.Create(this));
        root.Add(FeaturesCommand.Create(this));
        root.Add(EnableCommand.Create(this, enable: true));
        root.Add(EnableCommand.Create(this, enable: false));
        root.Add(JobsCommand.Create(this));
        root.Add(WatchCommand.Create(this));
        root.SetAction((parse, ct) => RunAsync(parse, ct, (session, token) => ListCommand.ExecuteAsync(session, null, token)));
        GroupedHelp.Install(root, "updatectl(1)", output);
        return root;
    }

    public async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken, Func<Session, CancellationToken, Task<int>> body)
    {
        string socket = parse.GetValue(Socket) ?? Environment.GetEnvironmentVariable("SYSUPDATE_VARLINK_SOCKET") ?? DefaultSocket;
        try
        {
            var session = new Session(this, socket, parse.GetValue(Offline), !parse.GetValue(NoLegend), ReplyTimeouts.Parse(parse.GetValue(ReplyTimeout)));
            return await body(session, cancellationToken).ConfigureAwait(false);
        }
        catch (VarlinkTimeoutException ex)
        {
            await error.WriteLineAsync(
                $"No reply from {socket} within {ex.Timeout.TotalSeconds:0.###} s; the service is hung or busy (raise the limit with --timeout=SEC).").ConfigureAwait(false);
            return 1;
        }
        catch (VarlinkErrorException ex)
        {
            await error.WriteLineAsync(Describe(ex)).ConfigureAwait(false);
            return 1;
        }
        catch (MalformedReplyException ex)
        {
            await error.WriteLineAsync($"{socket}: {ex.Message}; is the service a different version of {Interface}?").ConfigureAwait(false);
            return 1;
        }
        catch (VarlinkException ex)
        {
            await error.WriteLineAsync($"Connection to {socket} failed: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (SocketException ex)
        {
            await error.WriteLineAsync($"Failed to connect to {socket}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (UsageException ex)
        {
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

    /// <summary>A one-line message for an error reply.</summary>
    public static string Describe(VarlinkErrorException ex) => ex.Error switch
    {
        VarlinkErrors.PermissionDenied => "Permission denied (only root may change the system).",
        Interface + ".NoSuchTarget" => "No such target.",
        Interface + ".NoSuchVersion" => $"Version '{Parameter(ex, "version")}' not found.",
        Interface + ".NoSuchFeature" => $"Optional feature '{Parameter(ex, "feature")}' not found.",
        Interface + ".Busy" when ex.Parameters.ValueKind == JsonValueKind.Object && ex.Parameters.TryGetProperty("jobId", out JsonElement job)
            && job.ValueKind == JsonValueKind.Number =>
            $"Another operation is running on this target (job {job.GetInt64()}; follow it with 'updatectl watch {job.GetInt64()}'), try again later.",
        Interface + ".Busy" => "Another operation is running on this target, try again later.",
        Interface + ".NoSuchJob" => $"No job {Parameter(ex, "id")} is running or finished recently.",
        Interface + ".NoUpdateNeeded" => "No update needed.",
        VarlinkErrors.SystemError => $"Operation failed: {Parameter(ex, "errnoName") ?? "error " + Parameter(ex, "errno")}.",
        VarlinkErrors.InvalidParameter => $"Invalid parameter '{Parameter(ex, "parameter")}'.",
        _ => ex.Message,
    };

    private static string? Parameter(VarlinkErrorException ex, string name) =>
        ex.Parameters.TryGetProperty(name, out JsonElement value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText() : null;
}
