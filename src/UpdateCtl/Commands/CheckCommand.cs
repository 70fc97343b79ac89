using System.CommandLine;
using System.Text.Json;
using SysUpdate.Varlink;
using UpdateCtl.Output;

namespace UpdateCtl.Commands;

/// <summary><c>check [TARGET…]</c>: which targets have a newer version (all targets by default).</summary>
internal static class CheckCommand
{
    public static Command Create(UpdateCtlApp app)
    {
        var targets = new Argument<string[]>("TARGET") { Arity = ArgumentArity.ZeroOrMore, Description = "Targets to check" };
        var command = new Command("check", "Check for updates") { targets };
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, (session, token) => ExecuteAsync(session, parse.GetValue(targets) ?? [], token)));
        return command;
    }

    private static async Task<int> ExecuteAsync(Session session, string[] names, CancellationToken cancellationToken)
    {
        var targets = names.Length > 0
            ? names.Select(n => TargetSpec.Parse(n, allowVersion: false)).ToList()
            : await session.ListTargetsAsync(cancellationToken).ConfigureAwait(false);
        var results = await Task.WhenAll(targets.Select(t => CheckAsync(session, t, cancellationToken))).ConfigureAwait(false);
        var table = new Table("target", "update");
        foreach (var (target, current, available) in results)
        {
            if (available is not null)
                table.AddRow(target.Id, current is null ? available : $"{current} → {available}");
        }
        if (table.RowCount == 0)
        {
            session.Output.WriteLine("No updates available.");
            return 0;
        }
        table.Write(session.Output, session.Legend);
        return 0;
    }

    private static async Task<(TargetSpec Target, string? Current, string? Available)> CheckAsync(Session session, TargetSpec target, CancellationToken cancellationToken)
    {
        string? available;
        try
        {
            var reply = await session.CallAsync("CheckNew", target.Parameters(), cancellationToken).ConfigureAwait(false);
            available = reply.GetProperty("available").GetString();
        }
        catch (VarlinkErrorException ex) when (ex.Error == UpdateCtlApp.Interface + ".NoUpdateNeeded")
        {
            return (target, null, null);
        }
        var version = await session.CallAsync("GetVersion", target.Parameters(), cancellationToken).ConfigureAwait(false);
        return (target, version.TryGetProperty("version", out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null, available);
    }
}
