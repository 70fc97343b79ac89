using Microsoft.Extensions.Logging;
using SysUpdate.Core.Config;
using SysUpdate.Core.Locking;
using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Targets;

/// <summary>
/// <c>cleanup</c>: walks the install database and deletes files that an earlier definition installed
/// (they match a recorded <c>PATH/./PATTERN</c>) but that no current enabled transfer with the same
/// target directory claims any more. Partitions are never touched. Errors are collected, not fatal
/// for the remaining entries. Each directory is cleaned only under its run lock; one that another
/// run holds is left for the next cleanup (the locks are tried, never waited for, as they are taken
/// after the run's own).
/// </summary>
internal static class InstallDbCleanup
{
    /// <param name="owners">(target directory without root, patterns) of every enabled file-system transfer.</param>
    /// <returns>Number of files removed.</returns>
    public static async Task<int> RunAsync(string root, string? component, IReadOnlyList<(string Directory, IReadOnlyList<MatchPattern> Patterns)> owners,
        RunLockSet locks, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(locks);
        string db = InstallDb.DirectoryFor(root, component);
        if (!Directory.Exists(db))
            return 0;
        int removed = 0;
        var errors = new List<string>();
        foreach (var entry in new DirectoryInfo(db).EnumerateFileSystemInfos())
        {
            string? value = entry.LinkTarget;
            int split = value?.IndexOf("/./", StringComparison.Ordinal) ?? -1;
            if (value is null || InstallDb.EntryName(value) != entry.Name || split <= 0)
            {
                Expunge(entry, logger, "malformed");
                continue;
            }
            string directory = value[..split];
            string patternText = value[(split + 3)..];
            string onDisk = root == "/" ? directory : Path.Combine(root, directory.TrimStart('/'));
            MatchPattern pattern;
            try
            {
                pattern = MatchPattern.Parse(patternText);
            }
            catch (PatternSyntaxException)
            {
                Expunge(entry, logger, "bad pattern");
                continue;
            }
            if (!ConfigValues.IsNormalizedAbsolutePath(directory) || !Directory.Exists(onDisk))
            {
                Expunge(entry, logger, "directory gone");
                continue;
            }

            if (!await TryLockAsync(locks, onDisk, cancellationToken).ConfigureAwait(false))
            {
                logger.LogWarning("Another update of {Directory} is running; its orphaned files are left for the next cleanup.", onDisk);
                continue;
            }

            var claimed = owners.Where(o => o.Directory == directory).SelectMany(o => o.Patterns).ToList();
            bool stillOwned = false;
            foreach (var (path, relative) in Walk(onDisk, pattern))
            {
                if (claimed.Count > 0 && MatchPatterns.MatchAny(claimed, relative, out _) is PatternMatch.Yes or PatternMatch.YesAndRetry)
                {
                    stillOwned = true;
                    continue;
                }
                try
                {
                    logger.LogInformation("Removing orphaned '{Path}'.", path);
                    FileSystemTarget.RemoveTree(path);
                    removed++;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    errors.Add($"{path}: {ex.Message}");
                }
            }
            if (!stillOwned)
                Expunge(entry, logger, "no owned files left");
        }
        if (errors.Count > 0)
            throw new SysUpdateException($"cleanup could not remove {errors.Count} file(s): {string.Join("; ", errors)}");
        return removed;
    }

    private static async Task<bool> TryLockAsync(RunLockSet locks, string directory, CancellationToken cancellationToken)
    {
        foreach (var key in RunLockKey.ForDirectory(directory))
        {
            if (!await locks.TryAddAsync(key, cancellationToken).ConfigureAwait(false))
                return false;
        }
        return true;
    }

    private static IEnumerable<(string Path, string Relative)> Walk(string directory, MatchPattern pattern)
    {
        var pending = new Stack<(string Dir, string Prefix)>();
        pending.Push((directory, ""));
        while (pending.Count > 0)
        {
            var (dir, prefix) = pending.Pop();
            foreach (var e in new DirectoryInfo(dir).EnumerateFileSystemInfos())
            {
                string relative = prefix + e.Name;
                var result = pattern.Match(relative, out _);
                if (result is PatternMatch.Yes or PatternMatch.YesAndRetry)
                    yield return (e.FullName, relative);
                else if (result == PatternMatch.Retry && e is DirectoryInfo && e.LinkTarget is null)
                    pending.Push((e.FullName, relative + "/"));
            }
        }
    }

    private static void Expunge(FileSystemInfo entry, ILogger logger, string why)
    {
        logger.LogDebug("Dropping install database entry {Entry} ({Why}).", entry.Name, why);
        entry.Delete();
    }
}
