using System.CommandLine;
using SysUpdate.Core;
using SysUpdate.Core.Config;
using SysUpdate.Core.Operations;

namespace SysUpdate.Cli.Commands.Components;

/// <summary>
/// <c>enable-component</c> / <c>disable-component</c> <c>COMPONENT…</c> (or <c>--component=</c>,
/// <c>-A</c>, <c>-S</c>): writes <c>Enabled=</c> into
/// <c>/etc/sysupdate.COMPONENT.component.d/50-systemd-sysupdate-enabled.conf</c> below the root.
/// </summary>
internal static class EnableComponentCommand
{
    public static Command Create(CliApp app, bool enable)
    {
        string verb = enable ? "enable-component" : "disable-component";
        var names = new Argument<string[]>("COMPONENT") { Arity = ArgumentArity.ZeroOrMore, Description = "Components to " + (enable ? "enable" : "disable") };
        var command = new Command(verb, enable ? "Enable component" : "Disable component") { names };
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, (cli, token) => ExecuteAsync(cli, verb, enable, parse.GetValue(names) ?? [], token)));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliInvocation cli, string verb, bool enable, string[] names, CancellationToken cancellationToken)
    {
        cli.RequireNoFeatureSelection(verb);
        if (cli.Options.DefinitionsDirectory is not null)
            throw CliInvocation.Fail($"The --definitions= switch may not be combined with '{verb}'.");
        bool selectedBySwitch = cli.Options.Component is not null || cli.ComponentSelect != SelectMode.Explicit;
        if (names.Length > 0 && selectedBySwitch)
            throw CliInvocation.Fail("Either specify component names as positional parameter or via --component=/--component-all/--component-suggested, not both.");
        foreach (var name in names)
        {
            if (!DefinitionLoader.IsValidComponentName(name))
                throw CliInvocation.Fail($"Component name invalid: {name}");
        }

        var catalog = new ComponentCatalog(cli.Options.Root, cli.Logger);
        var selected = cli.ComponentSelect switch
        {
            SelectMode.All => catalog.Names.ToList(),
            SelectMode.Suggested => Suggested(cli, catalog, enable),
            _ when cli.Options.Component is { } one => [one],
            _ => names.ToList(),
        };
        if (selected.Count == 0)
        {
            if (!selectedBySwitch)
                throw CliInvocation.Fail("No component specified.");
            SysUpdateLog.Info(cli.Logger, "No components selected.");
            return 0;
        }
        foreach (var name in selected)
        {
            if (!catalog.Contains(name))
                throw CliInvocation.Fail($"Component not found: {name}", Errno.ENOENT);
        }
        foreach (var name in selected)
        {
            await ComponentDropIn.SetAsync(cli.Options.Root, name, enable, $"'systemd-sysupdate {verb}'", cancellationToken).ConfigureAwait(false);
            SysUpdateLog.Info(cli.Logger, $"Component '{name}' {(enable ? "enabled" : "disabled")}.");
        }
        return 0;
    }

    /// <summary>The suggested components; one whose suggestion cannot be evaluated is skipped with a warning.</summary>
    private static List<string> Suggested(CliInvocation cli, ComponentCatalog catalog, bool enable)
    {
        var selected = new List<string>();
        foreach (var name in catalog.Names)
        {
            switch (catalog.Suggested(catalog.Load(name)))
            {
                case SuggestState.Suggested:
                    SysUpdateLog.Info(cli.Logger, $"{(enable ? "Enabling" : "Disabling")} '{name}'.");
                    selected.Add(name);
                    break;
                case SuggestState.Invalid:
                    SysUpdateLog.Warning(cli.Logger, $"Failed to determine whether '{name}' is suggested, skipping: Invalid argument");
                    break;
            }
        }
        return selected;
    }
}
