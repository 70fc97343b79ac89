using System.CommandLine;
using SysUpdate.Cli.Output;
using SysUpdate.Core;
using SysUpdate.Core.Config;

namespace SysUpdate.Cli.Commands.Components;

/// <summary><c>components</c>: the default installation and every <c>sysupdate.NAME.d</c> component.</summary>
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

        string root = cli.Options.Root;
        var host = new HostIdentity(root);
        var names = DefinitionLoader.EnumerateComponents(root);
        bool hasDefault = cli.Options.Component is null
            && DefinitionLoader.Load(new DefinitionOptions { Root = root }, host).Transfers.Count > 0;

        if (cli.Json != JsonMode.Off)
        {
            JsonOutput.Write(cli.Output, cli.Json, w =>
            {
                w.WriteStartObject();
                w.WriteBoolean("default", hasDefault);
                w.WriteStringArray("components", names);
                w.WriteEndObject();
            });
            return Task.FromResult(0);
        }
        if (!hasDefault && names.Count == 0)
        {
            SysUpdateLog.Info(cli.Logger, "No components defined.");
            return Task.FromResult(0);
        }
        var table = new TextTable("enabled", "suggested", "component", "description", "documentation");
        if (hasDefault)
            table.AddRow(null, null, "<default>", "Default Component", null);
        var specifiers = new SpecifierExpander(host);
        foreach (var name in names)
        {
            Component component;
            try
            {
                component = DefinitionLoader.LoadComponent(root, name, specifiers, []);
            }
            catch (SysUpdateException)
            {
                continue;
            }
            table.AddRow(component.Enabled ? "✓" : "✗",
                SuggestConditions.Evaluate(component.Suggest, component.SuggestConditions, host) ? "✓" : "✗",
                name, component.Description, component.Documentation.FirstOrDefault());
        }
        table.Write(cli.Output, cli.Legend);
        return Task.FromResult(0);
    }
}
