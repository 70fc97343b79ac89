using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using UpdateCtl.Output;

namespace UpdateCtl.Commands;

/// <summary>
/// <c>watch ID</c>: follows a job (WatchJob) with a progress bar on stderr, whoever started it (a
/// GUI, another updatectl, <c>sysupdate update</c> on the command line or the timer), and prints how
/// it ended. Exit 0 when it succeeded or nothing was needed, 1 when it failed or was cancelled.
/// Ctrl-C stops watching, not the job.
/// </summary>
internal static class WatchCommand
{
    public static Command Create(UpdateCtlApp app)
    {
        var id = new Argument<long>("ID") { Description = "The job to follow (see 'updatectl jobs')" };
        var command = new Command("watch", "Follow a running job to its end") { id };
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, (session, token) => ExecuteAsync(session, parse.GetValue(id), token)));
        return command;
    }

    public static async Task<int> ExecuteAsync(Session session, long id, CancellationToken cancellationToken)
    {
        await using var client = await session.ConnectAsync(session.Timeouts.BetweenProgress, cancellationToken).ConfigureAwait(false);
        ProgressBars? bars = null;
        JsonElement last = default;
        await foreach (var reply in client.CallMoreAsync(UpdateCtlApp.Interface + ".WatchJob", new JsonObject { ["id"] = id }, cancellationToken).ConfigureAwait(false))
        {
            ReplyContract.Check("WatchJob", reply);
            if (reply.TryGetProperty("job", out JsonElement job) && job.ValueKind == JsonValueKind.Object)
            {
                last = job.Clone();
                bars ??= new ProgressBars(session.Error, interactive: !Console.IsErrorRedirected, [TargetSpec.FromJson(job.GetProperty("target")).Id]);
                if (!job.TryGetProperty("result", out _) && job.TryGetProperty("progress", out JsonElement initial) && initial.ValueKind == JsonValueKind.Object)
                    bars.Report(0, initial);
            }
            else if (bars is not null && reply.TryGetProperty("progress", out JsonElement p) && p.ValueKind == JsonValueKind.Object)
            {
                bars.Report(0, p);
            }
        }

        if (last.ValueKind != JsonValueKind.Object || JobsCommand.String(last, "result") is not { } result)
            throw new MalformedReplyException("WatchJob", "job.result");
        bool success = result is "succeeded" or "no_update_needed";
        bars?.Finish(0, success ? "Done" : result.Replace('_', ' '), success);
        string line = result switch
        {
            "succeeded" when JobsCommand.String(last, "resultVersion") is { } version => $"Job {id}: succeeded, version {version}.",
            "failed" when JobsCommand.String(last, "message") is { } message => $"Job {id}: failed: {message}",
            _ => $"Job {id}: {result.Replace('_', ' ')}.",
        };
        session.Output.WriteLine(line);
        return success ? 0 : 1;
    }
}
