using System.CommandLine;

namespace UpdateCtl.Commands;

/// <summary><c>vacuum [TARGET…]</c>: removes old versions (all targets by default).</summary>
internal static class VacuumCommand
{
    public static Command Create(UpdateCtlApp app)
    {
        var targets = new Argument<string[]>("TARGET") { Arity = ArgumentArity.ZeroOrMore, Description = "Targets to vacuum" };
        var command = new Command("vacuum", "Clean up old updates") { targets };
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, (session, token) => ExecuteAsync(session, parse.GetValue(targets) ?? [], token)));
        return command;
    }

    public static async Task<int> ExecuteAsync(Session session, string[] names, CancellationToken cancellationToken)
    {
        var targets = names.Length > 0
            ? names.Select(n => TargetSpec.Parse(n, allowVersion: false)).ToList()
            : await session.ListTargetsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var target in targets)
        {
            var reply = await session.CallAsync("Vacuum", target.Parameters(), cancellationToken).ConfigureAwait(false);
            int removed = reply.GetProperty("removed").GetInt32();
            int disabled = reply.GetProperty("disabledTransfers").GetInt32();
            session.Output.WriteLine(disabled > 0
                ? $"{target.Id}: removed {removed} instance(s), {disabled} of them of disabled transfers."
                : $"{target.Id}: removed {removed} instance(s).");
        }
        return 0;
    }
}
