namespace SysUpdate.Core.Config;

/// <summary>
/// <c>sysupdate.conf</c>: settings for every transfer of the machine, read the way systemd reads its own
/// <c>*.conf</c> files: the first main file found in <c>/etc/systemd</c>, <c>/run/systemd</c>,
/// <c>/usr/local/lib/systemd</c>, <c>/usr/lib/systemd</c> (below the root), then the drop-ins
/// <c>sysupdate.conf.d/*.conf</c> of all those directories in file-name order (a name in a higher-priority directory
/// shadows the same name elsewhere). A later assignment of a key overrides an earlier one; an empty value resets it.
/// The file is optional: a machine without one has no entries. Each consumer reads and checks its own keys.
/// </summary>
internal sealed class SysUpdateConf
{
    public const string FileName = "sysupdate.conf";

    private static readonly IReadOnlyList<string> ConfigDirectories = ["etc/systemd", "run/systemd", "usr/local/lib/systemd", "usr/lib/systemd"];

    private readonly IReadOnlyList<UnitFileEntry> _entries;

    private SysUpdateConf(IReadOnlyList<UnitFileEntry> entries, IReadOnlyList<string> files, IReadOnlyList<ConfigDiagnostic> diagnostics)
    {
        _entries = entries;
        Files = files;
        Diagnostics = diagnostics;
    }

    public static SysUpdateConf Empty { get; } = new([], [], []);

    /// <summary>The files that were read, in the order they were applied.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Lines that were ignored (unknown section, malformed line), for warnings.</summary>
    public IReadOnlyList<ConfigDiagnostic> Diagnostics { get; }

    /// <exception cref="ConfigSyntaxException">A file is not valid unit-file syntax.</exception>
    public static SysUpdateConf Load(string root)
    {
        var directories = ConfigDirectories.Select(d => Path.Join(root, d)).ToList();
        var files = new List<string>();
        if (directories.Select(d => Path.Join(d, FileName)).FirstOrDefault(File.Exists) is { } main && !DefinitionFile.IsMasked(main))
            files.Add(main);
        files.AddRange(DropIns(directories));

        var diagnostics = new List<ConfigDiagnostic>();
        var entries = new List<UnitFileEntry>();
        foreach (string file in files)
            entries.AddRange(UnitFileParser.Parse(file, File.ReadAllText(file), diagnostics));
        return new SysUpdateConf(entries, files, diagnostics);
    }

    /// <summary>The effective assignment of <paramref name="key"/> in <paramref name="section"/>: the last one, or null when unset or reset by an empty value.</summary>
    public UnitFileEntry? Get(string section, string key)
    {
        UnitFileEntry? last = _entries.LastOrDefault(e => e.Section == section && e.Key == key);
        return last is { Value.Length: 0 } ? null : last;
    }

    /// <summary>Every assignment of a list-valued key since its last reset by an empty value, in order.</summary>
    public IReadOnlyList<UnitFileEntry> GetAll(string section, string key)
    {
        var result = new List<UnitFileEntry>();
        foreach (UnitFileEntry e in _entries.Where(e => e.Section == section && e.Key == key))
        {
            if (e.Value.Length == 0)
                result.Clear();
            else
                result.Add(e);
        }
        return result;
    }

    /// <summary>All assignments, for consumers that warn about unknown keys.</summary>
    public IReadOnlyList<UnitFileEntry> Entries => _entries;

    private static IEnumerable<string> DropIns(IReadOnlyList<string> directories)
    {
        var chosen = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string directory in directories.Select(d => Path.Join(d, FileName + ".d")).Where(Directory.Exists))
        {
            foreach (string path in Directory.EnumerateFiles(directory, "*.conf"))
            {
                string name = Path.GetFileName(path);
                if (name[0] != '.')
                    chosen.TryAdd(name, path);
            }
        }
        return chosen.Values.Where(p => !DefinitionFile.IsMasked(p));
    }
}
