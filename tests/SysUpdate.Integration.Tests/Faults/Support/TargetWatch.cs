namespace SysUpdate.Integration.Tests.Faults.Support;

/// <summary>
/// Looks at a target directory from outside while a run writes into it: how far its
/// <c>.sysupdate.partial.*</c> file or tree has grown, and whether a <c>.sysupdate.pending.*</c> entry exists.
/// Entries may vanish while being looked at; that counts as "not there".
/// </summary>
internal static class TargetWatch
{
    public const string PartialPrefix = ".sysupdate.partial.";
    public const string PendingPrefix = ".sysupdate.pending.";

    /// <summary>Bytes in the partial entries at the top of <paramref name="directory"/> (files summed through trees).</summary>
    public static long PartialBytes(string directory)
    {
        long total = 0;
        foreach (var entry in Entries(directory, PartialPrefix))
        {
            try
            {
                total += entry switch
                {
                    FileInfo file => file.Length,
                    DirectoryInfo dir => dir.EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true })
                        .Sum(f => f.Exists ? f.Length : 0),
                    _ => 0,
                };
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Renamed or removed under our feet.
            }
        }
        return total;
    }

    public static bool HasPending(string directory) => Entries(directory, PendingPrefix).Any();

    /// <summary>Whether a partition of the GPT disk image carries <paramref name="label"/> (claimed for a download,
    /// whatever its type). A table caught mid-write reads as "not yet".</summary>
    public static bool SlotLabelled(string disk, string label)
    {
        try
        {
            using var gpt = SysUpdate.Core.Disk.GptDisk.Open(disk, writable: false);
            return gpt.Partitions.Any(p => p.Name == label);
        }
        catch (Exception ex) when (ex is SysUpdate.Core.SysUpdateException or IOException)
        {
            return false;
        }
    }

    /// <summary>Names at the top of <paramref name="directory"/> that are leftovers of a run: partial, pending, or <c>.#</c> temporaries.</summary>
    public static IReadOnlyList<string> Leftovers(string directory) =>
        Entries(directory, ".").Select(e => e.Name)
            .Where(n => n.StartsWith(PartialPrefix, StringComparison.Ordinal) || n.StartsWith(PendingPrefix, StringComparison.Ordinal) || n.StartsWith(".#", StringComparison.Ordinal))
            .ToList();

    private static List<FileSystemInfo> Entries(string directory, string prefix)
    {
        try
        {
            return new DirectoryInfo(directory).EnumerateFileSystemInfos(prefix + "*").ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
