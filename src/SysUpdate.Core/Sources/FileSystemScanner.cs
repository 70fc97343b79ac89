using SysUpdate.Core.Config;
using SysUpdate.Core.Instances;
using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Sources;

/// <summary>
/// Finds the instances of a directory-based resource (<c>regular-file</c>, <c>tar</c>,
/// <c>directory</c>, <c>subvolume</c>), source or target: entries whose path relative to the
/// resource directory matches a pattern, descending into sub-directories when a pattern asks
/// for it. Names starting with <c>.sysupdate.partial.</c> / <c>.sysupdate.pending.</c> are
/// matched without that prefix and mark the instance (and everything below it) partial / pending.
/// </summary>
internal static class FileSystemScanner
{
    public const string PartialPrefix = ".sysupdate.partial.";
    public const string PendingPrefix = ".sysupdate.pending.";

    public static List<Instance> Scan(string directory, ResourceType type, IReadOnlyList<MatchPattern> patterns)
    {
        var found = new List<Instance>();
        if (!Directory.Exists(directory))
            return found;
        bool wantDirectories = type.HoldsDirectories();
        var plain = patterns.Where(p => !p.HasGlobPrefix).ToList();
        var globs = patterns.Where(p => p.HasGlobPrefix).Select(p => p.WithoutGlobPrefix()).ToList();
        bool descend = globs.Count > 0 || plain.Any(p => p.Text.Contains('/', StringComparison.Ordinal));
        Walk(directory, "", partial: false, pending: false);
        return InstanceOrder.NewestFirst(found);

        void Walk(string dir, string relativePrefix, bool partial, bool pending)
        {
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = new DirectoryInfo(dir).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            foreach (var entry in entries)
            {
                string name = entry.Name;
                bool isPartial = partial, isPending = pending;
                if (name.StartsWith(PartialPrefix, StringComparison.Ordinal))
                {
                    name = name[PartialPrefix.Length..];
                    isPartial = true;
                }
                else if (name.StartsWith(PendingPrefix, StringComparison.Ordinal))
                {
                    name = name[PendingPrefix.Length..];
                    isPending = true;
                }
                if (name.Length == 0)
                    continue;

                bool isDirectory = IsDirectory(entry);
                bool isFile = !isDirectory && IsRegularFile(entry);
                string relative = relativePrefix + name;
                bool wanted = wantDirectories ? isDirectory : isFile;

                var result = PatternMatch.No;
                InstanceMetadata metadata = InstanceMetadata.Empty;
                if (wanted || (isDirectory && descend))
                    result = MatchPatterns.MatchAny(plain, relative, out metadata);
                if (result == PatternMatch.YesAndRetry)
                    result = wanted ? PatternMatch.Yes : PatternMatch.Retry;
                if (result != PatternMatch.Yes && wanted && globs.Count > 0)
                {
                    var globResult = MatchPatterns.MatchAny(globs, name, out var globMetadata);
                    if (globResult == PatternMatch.Yes)
                        (result, metadata) = (globResult, globMetadata);
                }

                if (result == PatternMatch.Yes && wanted)
                {
                    found.Add(new Instance(entry.FullName, Complete(metadata, entry), isPartial, isPending)
                    {
                        FinalPath = Path.Combine(Path.GetDirectoryName(entry.FullName)!, name),
                    });
                }
                else if (isDirectory && (result == PatternMatch.Retry || globs.Count > 0))
                {
                    Walk(entry.FullName, relative + "/", isPartial, isPending);
                }
            }
        }
    }

    private static InstanceMetadata Complete(InstanceMetadata metadata, FileSystemInfo entry)
    {
        var target = entry.LinkTarget is not null ? entry.ResolveLinkTarget(true) ?? entry : entry;
        return metadata with
        {
            MtimeMicroseconds = metadata.MtimeMicroseconds
                ?? (ulong)((target.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks / 10),
            Mode = metadata.Mode ?? ((uint)File.GetUnixFileMode(target.FullName) & 0x1FD), // & 0775
        };
    }

    private static bool IsDirectory(FileSystemInfo entry)
    {
        if (entry.LinkTarget is null)
            return (entry.Attributes & FileAttributes.Directory) != 0;
        return entry.ResolveLinkTarget(true) is DirectoryInfo { Exists: true };
    }

    private static bool IsRegularFile(FileSystemInfo entry)
    {
        var target = entry.LinkTarget is null ? entry : entry.ResolveLinkTarget(true);
        return target is FileInfo { Exists: true } f && (f.Attributes & FileAttributes.Device) == 0;
    }
}
