using System.CommandLine;
using SysUpdate.Cli.Commands.Features;
using SysUpdate.Cli.Output;
using SysUpdate.Core;
using SysUpdate.Core.Config;

namespace SysUpdate.Cli.Commands.Components;

/// <summary><c>components</c>: the default installation (when it has transfers) and every <c>sysupdate.NAME.d</c>
/// component; <c>components NAME</c> (ours: 262.1 takes no argument): one component's settings, with its version bounds.</summary>
internal static class ComponentsCommand
{
    public static Command Create(CliApp app)
    {
        var name = new Argument<string?>("COMPONENT") { Arity = ArgumentArity.ZeroOrOne, Description = "Show details of this component" };
        var command = new Command("components", "Show list of components") { name };
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, (cli, token) => ExecuteAsync(cli, parse.GetValue(name), token)));
        return command;
    }

    private static Task<int> ExecuteAsync(CliInvocation cli, string? componentName, CancellationToken cancellationToken)
    {
        cli.RequireNoFeatureSelection("components");
        cli.RequireNoComponentSelection("components");
        if (cli.Options.DefinitionsDirectory is not null)
            throw CliInvocation.Fail("The --definitions= switch may not be combined with 'components'.");

        var catalog = new ComponentCatalog(cli.Options.Root, cli.Logger);
        if (componentName is not null)
        {
            ShowOne(cli, catalog, componentName);
            return Task.FromResult(0);
        }
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
            if (TryLoad(cli, catalog, name) is not { } component)
                continue;
            table.AddRow(component.Enabled ? "✓" : "✗", SuggestText.Mark(catalog.Suggested(component)),
                name, component.Description, component.Documentation.Count > 0 ? string.Join('\n', component.Documentation) : null);
        }
        table.Write(cli.Output, cli.Legend);
        return Task.FromResult(0);
    }

    private static void ShowOne(CliInvocation cli, ComponentCatalog catalog, string name)
    {
        if (!DefinitionLoader.IsValidComponentName(name))
            throw CliInvocation.Fail($"Component name invalid: {name}");
        if (!catalog.Contains(name))
            throw CliInvocation.Fail($"Component not found: {name}", Errno.ENOENT);
        var component = catalog.Load(name);
        var suggested = catalog.Suggested(component);
        if (cli.Json != JsonMode.Off)
        {
            JsonOutput.Write(cli.Output, cli.Json, w => ComponentJson.Write(w, component, suggested));
            return;
        }
        var table = new TextTable("key", "value");
        table.AlignRight(0);
        table.AddRow("Name:", component.Name);
        table.AddRow("Enabled:", component.Enabled ? "yes" : "no");
        table.AddRow("Suggested:", SuggestText.Word(suggested));
        if (component.Description is { } description)
            table.AddRow("Description:", description);
        if (component.Documentation.Count > 0)
            table.AddRow("Documentation:", string.Join(' ', component.Documentation));
        if (component.MinVersion is { } min)
            table.AddRow("MinVersion:", min);
        if (component.MaxVersion is { } max)
            table.AddRow("MaxVersion:", max);
        if (component.ProtectVersions.Count > 0)
            table.AddRow("ProtectVersion:", string.Join(' ', component.ProtectVersions));
        table.Write(cli.Output, cli.Legend);
    }

    /// <summary>A component's metadata, or null (with a warning) when its file is malformed.</summary>
    private static Component? TryLoad(CliInvocation cli, ComponentCatalog catalog, string name)
    {
        try
        {
            return catalog.Load(name);
        }
        catch (ConfigSyntaxException ex)
        {
            SysUpdateLog.Warning(cli.Logger, ex.Message);
            return null;
        }
    }
}
