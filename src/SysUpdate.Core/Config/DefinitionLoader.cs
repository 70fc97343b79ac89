namespace SysUpdate.Core.Config;

/// <summary>
/// Reads all <c>*.feature</c> and <c>*.transfer</c> files of one directory set (with drop-ins and
/// masking), decides which transfers are enabled, and returns them as <see cref="Definitions"/>.
/// </summary>
internal static class DefinitionLoader
{
    public static Definitions Load(DefinitionOptions options, HostIdentity host)
    {
        var diagnostics = new List<ConfigDiagnostic>();
        var specifiers = new SpecifierExpander(host, options.Server ?? new UpdateServer(options.Root, null, Environment.GetEnvironmentVariable));
        var dirs = options.Directories;

        var features = new List<Feature>();
        foreach (var (name, path) in dirs.Enumerate(".feature"))
        {
            var files = new List<string> { path };
            files.AddRange(dirs.DropIns(name));
            features.Add(FeatureParser.Parse(name[..^".feature".Length], files, specifiers, diagnostics));
        }
        var enabledFeatures = features.Where(f => f.Enabled).Select(f => f.Id).ToHashSet(StringComparer.Ordinal);

        var transferFiles = dirs.Enumerate(".transfer");
        string suffix = ".transfer";
        if (transferFiles.Count == 0)
        {
            var legacy = dirs.Enumerate(".conf");
            if (legacy.Count > 0)
            {
                diagnostics.Add(new ConfigDiagnostic(new SourceLocation(legacy[0].Path, 1),
                    "Reading legacy .conf transfer definitions; since v257 they are expected to be named *.transfer."));
                transferFiles = legacy;
                suffix = ".conf";
            }
        }

        var transfers = new List<Transfer>();
        foreach (var (name, path) in transferFiles)
        {
            var files = new List<string> { path };
            files.AddRange(dirs.DropIns(name));
            var transfer = TransferParser.Parse(name[..^suffix.Length], files, specifiers, diagnostics, options.TransferSource is not null);
            transfers.Add(transfer with { Enabled = IsEnabled(transfer, enabledFeatures) });
        }

        Component? component = null;
        if (options.Component is { } componentName && options.DefinitionsDirectory is null)
        {
            component = LoadComponent(options.Root, componentName, specifiers, diagnostics);
            for (int i = 0; i < transfers.Count; i++)
                transfers[i] = ComponentBounds.Apply(transfers[i], component);
        }

        return new Definitions
        {
            Directories = dirs,
            Features = features,
            Transfers = transfers,
            Component = component,
            Diagnostics = diagnostics,
        };
    }

    /// <summary>Enabled ⇔ every requisite feature is enabled, and either no <c>Features=</c> or at
    /// least one of them is enabled. Unknown features count as disabled.</summary>
    internal static bool IsEnabled(Transfer transfer, IReadOnlySet<string> enabledFeatures) =>
        transfer.RequisiteFeatures.All(enabledFeatures.Contains)
        && (transfer.Features.Count == 0 || transfer.Features.Any(enabledFeatures.Contains));

    public static Component LoadComponent(string root, string name, SpecifierExpander specifiers, ICollection<ConfigDiagnostic> diagnostics)
    {
        string fileName = $"sysupdate.{name}.component";
        var roots = DefinitionDirectories.ConfigRoots.Select(r => Path.Combine(root, r)).ToList();
        var main = roots.Select(r => Path.Combine(r, fileName)).FirstOrDefault(File.Exists);
        var files = new List<string>();
        if (main is not null && !DefinitionFile.IsMasked(main))
            files.Add(main);
        files.AddRange(new DefinitionDirectories(roots, name, false).DropIns(fileName));
        return files.Count == 0 ? new Component { Name = name } : ComponentParser.Parse(name, files, specifiers, diagnostics);
    }

    /// <summary>Names of all components: directories <c>sysupdate.NAME.d</c> in the four config roots, sorted.</summary>
    public static IReadOnlyList<string> EnumerateComponents(string root)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var dir in DefinitionDirectories.ConfigRoots.Select(r => Path.Combine(root, r)))
        {
            if (!Directory.Exists(dir))
                continue;
            foreach (var sub in Directory.EnumerateDirectories(dir, "sysupdate.*.d"))
            {
                var leaf = Path.GetFileName(sub);
                var name = leaf["sysupdate.".Length..^2];
                if (IsValidComponentName(name))
                    names.Add(name);
            }
        }
        return names.ToList();
    }

    public static bool IsValidComponentName(string name) =>
        name.Length > 0 && !name.EndsWith(".component", StringComparison.Ordinal)
        && DefinitionFile.IsValidName($"sysupdate.{name}.d")
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@' or ':' or '+');
}
