using System.CommandLine;
using SysUpdate.Cli.Commands.Features;
using SysUpdate.Cli.Output;
using SysUpdate.Core;
using SysUpdate.Core.Config;

namespace SysUpdate.Cli.Commands.Components;

/// <summary><c>components</c>: the default installation (when it has transfers) and every <c>sysupdate.NAME.d</c> component.</summary>
internal static class ComponentsCommand
{
    public static Command Create(CliApp app)
    {
        var command = new Command("components", "Show list of components");
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, ExecuteAsync));
        return command;
    }

    private static Task<int> ExecuteAsync(CliInvocation cli, CancellationToken cancellationToken)
    {
        cli.RequireNoFeatureSelection("components");
        cli.RequireNoComponentSelection("components");
        if (cli.Options.DefinitionsDirectory is not null)
            throw CliInvocation.Fail("The --definitions= switch may not be combined with 'components'.");

        var catalog = new ComponentCatalog(cli.Options.Root, cli.Logger);
        bool hasDefault = cli.Options.Component is null && catalog.HasDefault();

        if (cli.Json != JsonMode.Off)
        {
            JsonOutput.Write(cli.Output, cli.Json, w =>
            {
                w.WriteStartObject();
                w.WriteBoolean("default", hasDefault);
                w.WriteStringArray("components", catalog.Names);
                w.WriteEndObject();
            });
            return Task.FromResult(0);
        }
        if (!hasDefault && catalog.Names.Count == 0)
        {
            SysUpdateLog.Info(cli.Logger, "No components defined.");
            return Task.FromResult(0);
        }
        var table = new TextTable("enabled", "suggested", "component", "description", "documentation");
        if (hasDefault)
            table.AddRow(null, null, "<default>", "Default Component", null);
        foreach (var name in catalog.Names)
        {
            Component component;
            try
            {
                component = catalog.Load(name);
            }
            catch (ConfigSyntaxException ex)
            {
                SysUpdateLog.Warning(cli.Logger, ex.Message);
                continue;
            }
            table.AddRow(component.Enabled ? "✓" : "✗", SuggestText.Mark(catalog.Suggested(component)),
                name, component.Description, component.Documentation.Count > 0 ? string.Join('\n', component.Documentation) : null);
        }
        table.Write(cli.Output, cli.Legend);
        return Task.FromResult(0);
    }
}
