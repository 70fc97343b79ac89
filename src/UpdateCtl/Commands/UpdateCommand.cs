using System.CommandLine;
using System.Text.Json;
using SysUpdate.Varlink;
using UpdateCtl.Output;

namespace UpdateCtl.Commands;

/// <summary>
/// <c>update [TARGET[@VERSION]…]</c>: updates the targets (all by default) in parallel through the
/// streaming <c>Update</c> method, with progress bars on stderr.
/// </summary>
internal static class UpdateCommand
{
    public static Command Create(UpdateCtlApp app)
    {
        var targets = new Argument<string[]>("TARGET[@VERSION]") { Arity = ArgumentArity.ZeroOrMore, Description = "Targets to update" };
        var command = new Command("update", "Install updates") { targets };
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, async (session, token) =>
        {
            var specs = (parse.GetValue(targets) ?? []).Select(n => TargetSpec.Parse(n, allowVersion: true)).ToList();
            if (specs.Count == 0)
                specs = [.. await session.ListTargetsAsync(token).ConfigureAwait(false)];
            return await ExecuteAsync(session, specs, token).ConfigureAwait(false);
        }));
        return command;
    }

    public static async Task<int> ExecuteAsync(Session session, IReadOnlyList<TargetSpec> targets, CancellationToken cancellationToken)
    {
        if (targets.Count == 0)
        {
            session.Output.WriteLine("No targets.");
            return 0;
        }
        var bars = new ProgressBars(session.Error, interactive: !Console.IsErrorRedirected, targets.Select(t => t.Id).ToList());
        var results = await Task.WhenAll(targets.Select((t, i) => UpdateOneAsync(session, t, i, bars, cancellationToken))).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        for (int i = 0; i < targets.Count; i++)
            session.Output.WriteLine($"{targets[i].Id}: {results[i].Message}");
        if (results.All(r => r.Success))
        {
            session.Output.WriteLine("Done.");
            return 0;
        }
        return 1;
    }

    private static async Task<(bool Success, string Message)> UpdateOneAsync(Session session, TargetSpec target, int index, ProgressBars bars, CancellationToken cancellationToken)
    {
        try
        {
            await using var client = await session.ConnectAsync(session.Timeouts.BetweenProgress, cancellationToken).ConfigureAwait(false);
            string? version = null;
            await foreach (var reply in client.CallMoreAsync(UpdateCtlApp.Interface + ".Update",
                target.Parameters(("version", ListCommand.Node(target.Version))), cancellationToken).ConfigureAwait(false))
            {
                ReplyContract.Check("Update", reply);
                if (reply.TryGetProperty("progress", out JsonElement p) && p.ValueKind == JsonValueKind.Object)
                    bars.Report(index, p);
                if (reply.TryGetProperty("version", out JsonElement v) && v.ValueKind == JsonValueKind.String)
                    version = v.GetString();
            }
            bars.Finish(index, "Done", success: true);
            return (true, $"Installed {version}");
        }
        catch (VarlinkErrorException ex) when (ex.Error == UpdateCtlApp.Interface + ".NoUpdateNeeded")
        {
            bars.Finish(index, "Already up-to-date", success: true);
            return (true, "Already up-to-date");
        }
        catch (VarlinkErrorException ex)
        {
            string message = UpdateCtlApp.Describe(ex);
            bars.Finish(index, "Failed", success: false);
            return (false, message);
        }
    }
}
