using System.CommandLine;
using SysUpdate.Cli.Jobs;
using SysUpdate.Core;
using SysUpdate.Core.Config;
using SysUpdate.Core.Operations;
using SysUpdate.Core.Planning;

namespace SysUpdate.Cli.Commands.Features;

/// <summary><c>enable-feature</c> / <c>disable-feature</c> <c>FEATURE…</c> (or <c>-a</c>/<c>-s</c>):
/// writes the <c>50-systemd-sysupdate-enabled.conf</c> drop-in below /etc.</summary>
internal static class EnableFeatureCommand
{
    public static Command Create(CliApp app, bool enable)
    {
        string verb = enable ? "enable-feature" : "disable-feature";
        var names = new Argument<string[]>("FEATURE") { Arity = ArgumentArity.ZeroOrMore, Description = "Features to " + (enable ? "enable" : "disable") };
        var command = new Command(verb, enable ? "Enable optional feature" : "Disable optional feature") { names };
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, (cli, token) => ExecuteAsync(cli, verb, enable, parse.GetValue(names) ?? [], token)));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliInvocation cli, string verb, bool enable, string[] names, CancellationToken cancellationToken)
    {
        if (cli.ComponentSelect == SelectMode.Suggested)
            throw CliInvocation.Fail($"--component-suggested is not supported for '{verb}'.");
        if (cli.Options.DefinitionsDirectory is not null)
            throw CliInvocation.Fail($"The --definitions= switch may not be combined with '{verb}'.");
        if (names.Length > 0 && cli.FeatureSelect == SelectMode.Explicit)
        {
            foreach (var n in names)
            {
                if (!DefinitionFile.IsValidName(n) || n.Contains('/', StringComparison.Ordinal))
                    throw CliInvocation.Fail($"Feature name invalid: {n}");
            }
        }
        else if (!(names.Length == 0 && cli.FeatureSelect != SelectMode.Explicit))
            throw CliInvocation.Fail("Either specify features as positional parameter or via --feature-all/--feature-suggested, not both.");

        var failures = new List<string>();
        var contexts = new List<CliInvocation> { cli };
        if (cli.ComponentSelect == SelectMode.All)
        {
            bool hasDefault = DefinitionLoader.Load(new DefinitionOptions { Root = cli.Options.Root }, new HostIdentity(cli.Options.Root)).Transfers.Count > 0;
            contexts = DefinitionLoader.EnumerateComponents(cli.Options.Root).Select(c => cli.WithComponent(c)).ToList();
            if (hasDefault)
                contexts.Insert(0, cli.WithComponent(null));
        }
        foreach (var c in contexts)
        {
            failures.AddRange(await CommandLineJob.RunAsync(c, JobType.SetFeature, null, async (_, token) =>
            {
                using var context = await UpdateContext.LoadOfflineAsync(c.Options, LoadRequirements.LockTargets, c.Logger, token).ConfigureAwait(false);
                return await ApplyAsync(c, context, verb, enable, names, token).ConfigureAwait(false);
            }, found => found.Count == 0 ? JobEnd.Succeeded : new JobEnd(JobResult.Failed), cancellationToken).ConfigureAwait(false));
        }
        if (failures.Count > 0)
        {
            foreach (var f in failures.SkipLast(1))
                cli.Error.WriteLine(f);
            throw CliInvocation.Fail(failures[^1], Errno.ENOENT);
        }
        return 0;
    }

    private static async Task<List<string>> ApplyAsync(CliInvocation cli, UpdateContext context, string verb, bool enable, string[] names, CancellationToken cancellationToken)
    {
        var features = context.Definitions.Features;
        var selected = cli.FeatureSelect switch
        {
            SelectMode.All => features.Select(f => f.Id).ToList(),
            SelectMode.Suggested => Suggested(cli, features, context.Host),
            _ => names.ToList(),
        };
        string component = context.Component ?? "<default>";
        var failures = new List<string>();
        foreach (var name in selected)
        {
            if (context.Definitions.FindFeature(name) is null)
            {
                failures.Add($"Optional feature not found in component '{component}': {name}");
                continue;
            }
            await FeatureDropIn.SetAsync(context.Definitions, name, enable, $"'systemd-sysupdate {verb}'", cancellationToken).ConfigureAwait(false);
            SysUpdateLog.Info(cli.Logger, $"Feature '{name}' {(enable ? "enabled" : "disabled")}.");
        }
        return failures;
    }

    /// <summary>The suggested features; one whose suggestion cannot be evaluated is skipped with a warning.</summary>
    private static List<string> Suggested(CliInvocation cli, IReadOnlyList<Feature> features, HostIdentity host)
    {
        var selected = new List<string>();
        foreach (var f in features)
        {
            switch (SuggestConditions.Evaluate(f.Suggest, f.SuggestConditions, host))
            {
                case SuggestState.Suggested:
                    selected.Add(f.Id);
                    break;
                case SuggestState.Invalid:
                    SysUpdateLog.Warning(cli.Logger, $"Failed to determine whether feature '{f.Id}' is suggested, skipping: Invalid argument");
                    break;
            }
        }
        return selected;
    }
}
