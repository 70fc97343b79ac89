using System.Security.Cryptography;

namespace SysUpdate.Integration.Tests.Support;

/// <summary>
/// Paths, kinds, modes, mtimes, inode numbers and SHA-256 of everything below some directories, to
/// prove that a failed run changed nothing.
/// </summary>
internal sealed class TreeSnapshot
{
    private readonly SortedDictionary<string, string> _entries;

    private TreeSnapshot(SortedDictionary<string, string> entries) => _entries = entries;

    public IReadOnlyDictionary<string, string> Entries => _entries;

    public static TreeSnapshot Take(params string[] roots)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            if (!Directory.Exists(root))
            {
                entries[root] = "absent";
                continue;
            }
            entries[root] = Describe(new DirectoryInfo(root));
            foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*",
                new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
            {
                entries[entry.FullName] = Describe(entry);
            }
        }
        return new TreeSnapshot(entries);
    }

    /// <summary>Asserts the two snapshots are equal, listing every difference.</summary>
    public void AssertSameAs(TreeSnapshot later, string because)
    {
        var diffs = new List<string>();
        foreach (var key in _entries.Keys.Union(later._entries.Keys).Order(StringComparer.Ordinal))
        {
            _entries.TryGetValue(key, out var before);
            later._entries.TryGetValue(key, out var after);
            if (before != after)
                diffs.Add($"{key}: {before ?? "(none)"} → {after ?? "(none)"}");
        }
        if (diffs.Count > 0)
            Assert.Fail($"{because}: file tree changed:\n{string.Join('\n', diffs)}");
    }

    private static string Describe(FileSystemInfo entry)
    {
        var stat = FileIdentity.Of(entry.FullName);
        long mtime = stat.MtimeNanoseconds;
        if (entry.LinkTarget is { } target)
            return $"link→{target} ino={stat.Inode}";
        if (entry is DirectoryInfo)
            return $"dir mode={Convert.ToString((int)entry.UnixFileMode, 8)} ino={stat.Inode}";
        using var stream = File.OpenRead(entry.FullName);
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        return $"file mode={Convert.ToString((int)entry.UnixFileMode, 8)} mtime={mtime} ino={stat.Inode} sha256={hash}";
    }
}
