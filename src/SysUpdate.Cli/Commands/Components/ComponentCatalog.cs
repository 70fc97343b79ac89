using Microsoft.Extensions.Logging;
using SysUpdate.Core;
using SysUpdate.Core.Config;

namespace SysUpdate.Cli.Commands.Components;

/// <summary>
/// The components below a root as <c>components</c> and <c>enable-component</c> see them: every
/// <c>sysupdate.NAME.d</c> directory, with the metadata of its <c>sysupdate.NAME.component</c> file
/// (and drop-ins) and whether it is suggested on this machine.
/// </summary>
internal sealed class ComponentCatalog
{
    private readonly string _root;
    private readonly HostIdentity _host;
    private readonly SpecifierExpander _specifiers;
    private readonly ILogger _logger;

    public ComponentCatalog(string root, ILogger logger)
    {
        _root = root;
        _host = new HostIdentity(root);
        _specifiers = new SpecifierExpander(_host);
        _logger = logger;
        Names = DefinitionLoader.EnumerateComponents(root);
    }

    /// <summary>Component names, sorted.</summary>
    public IReadOnlyList<string> Names { get; }

    public HostIdentity Host => _host;

    public bool Contains(string name) => Names.Contains(name, StringComparer.Ordinal);

    /// <summary>The default component counts only when it is fully configured: it has transfer definitions.</summary>
    public bool HasDefault() =>
        DefinitionLoader.Load(new DefinitionOptions { Root = _root }, _host).Transfers.Count > 0;

    /// <exception cref="ConfigSyntaxException">A malformed <c>.component</c> file.</exception>
    public Component Load(string name)
    {
        var diagnostics = new List<ConfigDiagnostic>();
        var component = DefinitionLoader.LoadComponent(_root, name, _specifiers, diagnostics);
        foreach (var d in diagnostics)
            _logger.ConfigWarning(d.ToString());
        return component;
    }

    public SuggestState Suggested(Component component) =>
        SuggestConditions.Evaluate(component.Suggest, component.SuggestConditions, _host);
}
