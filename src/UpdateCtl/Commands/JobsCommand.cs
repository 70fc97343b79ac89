using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using UpdateCtl.Output;

namespace UpdateCtl.Commands;

/// <summary><c>jobs</c>: the running jobs of every target, and those that finished in the last minute (ListJobs).</summary>
internal static class JobsCommand
{
    public static Command Create(UpdateCtlApp app)
    {
        var command = new Command("jobs", "List running and recently finished jobs");
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, ExecuteAsync));
        return command;
    }

    public static async Task<int> ExecuteAsync(Session session, CancellationToken cancellationToken)
    {
        var reply = await session.CallAsync("ListJobs", null, cancellationToken).ConfigureAwait(false);
        var table = new Table("id", "type", "target", "version", "origin", "progress");
        foreach (var job in reply.GetProperty("jobs").EnumerateArray())
        {
            table.AddRow(
                job.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture),
                job.GetProperty("type").GetString()!.Replace('_', '-'),
                TargetSpec.FromJson(job.GetProperty("target")).Id,
                String(job, "resultVersion") ?? String(job, "version"),
                job.GetProperty("origin").GetString(),
                State(job));
        }
        if (table.RowCount == 0)
        {
            session.Output.WriteLine("No jobs.");
            return 0;
        }
        table.Write(session.Output, session.Legend);
        return 0;
    }

    /// <summary>The result once there is one, else the phase and percentage of the latest progress.</summary>
    public static string State(JsonElement job)
    {
        if (String(job, "result") is { } result)
            return result.Replace('_', ' ');
        if (job.TryGetProperty("progress", out JsonElement p) && p.ValueKind == JsonValueKind.Object)
            return string.Create(CultureInfo.InvariantCulture, $"{p.GetProperty("percent").GetInt32()}% {p.GetProperty("phase").GetString()!.Replace('_', ' ')}");
        return "starting";
    }

    public static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
