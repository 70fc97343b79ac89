namespace SysUpdate.Core.Config;

/// <summary>
/// The directories definitions are read from, highest priority first: <c>/etc</c>, <c>/run</c>,
/// <c>/usr/local/lib</c>, <c>/usr/lib</c> (each below the root) with <c>sysupdate.d</c> or
/// <c>sysupdate.NAME.d</c>; or exactly one directory given by <c>--definitions</c>.
/// </summary>
internal sealed record DefinitionDirectories(IReadOnlyList<string> Directories, string? Component, bool Explicit)
{
    public static readonly IReadOnlyList<string> ConfigRoots = ["etc", "run", "usr/local/lib", "usr/lib"];

    public static DefinitionDirectories ForRoot(string root, string? component)
    {
        string leaf = component is null ? "sysupdate.d" : $"sysupdate.{component}.d";
        return new(ConfigRoots.Select(r => Path.Combine(root, r, leaf)).ToList(), component, Explicit: false);
    }

    public static DefinitionDirectories ForExplicit(string directory) =>
        new([Path.GetFullPath(directory)], Component: null, Explicit: true);

    /// <summary>Where tools write drop-ins (<c>enable-feature</c>): the first directory.</summary>
    public string WritableDirectory => Directories[0];

    /// <summary>
    /// Files with <paramref name="suffix"/> across the directories, a name in a higher-priority
    /// directory shadowing the same name elsewhere, masked names removed, sorted by file name.
    /// </summary>
    public IReadOnlyList<(string Name, string Path)> Enumerate(string suffix) =>
        Collect(Directories, suffix);

    /// <summary>The drop-in files of <paramref name="fileName"/> (<c>NAME.d/*.conf</c> in every directory).</summary>
    public IReadOnlyList<string> DropIns(string fileName) =>
        Collect(Directories.Select(d => Path.Combine(d, fileName + ".d")).ToList(), ".conf").Select(f => f.Path).ToList();

    private static List<(string Name, string Path)> Collect(IReadOnlyList<string> directories, string suffix)
    {
        var chosen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var dir in directories)
        {
            if (!Directory.Exists(dir))
                continue;
            foreach (var path in Directory.EnumerateFileSystemEntries(dir, "*" + suffix))
            {
                var name = Path.GetFileName(path);
                if (!name.EndsWith(suffix, StringComparison.Ordinal) || name.Length == suffix.Length || name[0] == '.')
                    continue;
                if (chosen.ContainsKey(name))
                    continue;
                if (Directory.Exists(path))
                    continue;
                chosen[name] = path;
            }
        }
        return chosen
            .Where(kv => !DefinitionFile.IsMasked(kv.Value))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (kv.Key, kv.Value))
            .ToList();
    }
}
