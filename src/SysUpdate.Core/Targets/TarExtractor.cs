using System.Formats.Tar;
using System.Text;
using SysUpdate.Core.Native;

namespace SysUpdate.Core.Targets;

/// <summary>
/// Unpacks a tar stream into a directory with our own loop over <see cref="TarReader"/> entries:
/// applies mode, owner (when root), mtime, symlinks, hard links and <c>SCHILY.xattr.*</c> extended
/// attributes, and refuses any entry that would land outside the directory (absolute names,
/// <c>..</c>, hard links pointing out, writes through symlinks).
/// </summary>
internal static class TarExtractor
{
    private const string XattrPrefix = "SCHILY.xattr.";

    public static async Task ExtractAsync(Stream tar, string destination, string origin, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(destination);
        string root = Path.GetFullPath(destination);
        bool isRoot = Environment.IsPrivilegedProcess;
        var directoryTimes = new List<(string Path, DateTimeOffset Time)>();

        await using var reader = new TarReader(tar, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string relative = Normalize(entry.Name, origin);
            if (relative.Length == 0)
            {
                if (entry.EntryType == TarEntryType.Directory)
                    ApplyMetadata(root, entry, isRoot, directoryTimes);
                continue;
            }
            string path = Path.Combine(root, relative);
            EnsureNoSymlinkInParents(root, relative, origin, entry.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);

            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    if (File.Exists(path) || IsSymlink(path))
                        File.Delete(path);
                    Directory.CreateDirectory(path);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    RemoveExisting(path);
                    await using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
                    {
                        if (entry.DataStream is { } data)
                            await data.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                    }
                    break;
                case TarEntryType.SymbolicLink:
                    RemoveExisting(path);
                    File.CreateSymbolicLink(path, entry.LinkName);
                    break;
                case TarEntryType.HardLink:
                    string targetRelative = Normalize(entry.LinkName, origin);
                    string target = Path.Combine(root, targetRelative);
                    EnsureNoSymlinkInParents(root, targetRelative, origin, entry.LinkName);
                    if (!File.Exists(target) || IsSymlink(target))
                        throw new SysUpdateException($"{origin}: tar entry '{entry.Name}' is a hard link to '{entry.LinkName}', which is not a file in the archive, refusing");
                    RemoveExisting(path);
                    LibC.Link(target, path);
                    break;
                case TarEntryType.Fifo or TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                    if (!isRoot)
                        continue;
                    RemoveExisting(path);
                    entry.ExtractToFile(path, overwrite: true);
                    break;
                case TarEntryType.GlobalExtendedAttributes:
                    continue;
                default:
                    throw new SysUpdateException($"{origin}: tar entry '{entry.Name}' has unsupported type {entry.EntryType}, refusing");
            }
            ApplyMetadata(path, entry, isRoot, directoryTimes);
        }

        // Directory mtimes last: creating entries inside them changed them.
        for (int i = directoryTimes.Count - 1; i >= 0; i--)
            Directory.SetLastWriteTimeUtc(directoryTimes[i].Path, directoryTimes[i].Time.UtcDateTime);
    }

    private static void ApplyMetadata(string path, TarEntry entry, bool isRoot, List<(string, DateTimeOffset)> directoryTimes)
    {
        bool symlink = entry.EntryType == TarEntryType.SymbolicLink;
        if (isRoot)
            LibC.LChown(path, entry.Uid, entry.Gid);
        if (!symlink)
            File.SetUnixFileMode(path, (UnixFileMode)((int)entry.Mode & 0xFFF));
        if (entry is PaxTarEntry pax)
        {
            foreach (var (key, value) in pax.ExtendedAttributes)
            {
                if (key.StartsWith(XattrPrefix, StringComparison.Ordinal) && !symlink)
                {
                    try
                    {
                        // PAX values are UTF-8 text; binary values cannot be carried faithfully by
                        // System.Formats.Tar, so we write what it gives us (see DESIGN.md).
                        LibC.LSetXattr(path, key[XattrPrefix.Length..], Encoding.UTF8.GetBytes(value));
                    }
                    catch (SysUpdateException) when (!isRoot)
                    {
                        // Unprivileged extraction cannot set trusted.*/security.* attributes; skip them.
                    }
                }
            }
        }
        if (entry.EntryType == TarEntryType.Directory)
            directoryTimes.Add((path, entry.ModificationTime));
        else if (!symlink)
            File.SetLastWriteTimeUtc(path, entry.ModificationTime.UtcDateTime);
    }

    /// <summary>Turns an archive member name into a safe relative path, or refuses it.</summary>
    private static string Normalize(string name, string origin)
    {
        if (name.StartsWith('/'))
            throw new SysUpdateException($"{origin}: tar entry '{name}' has an absolute name, refusing");
        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part.Length == 0 || part == ".")
                continue;
            if (part == "..")
                throw new SysUpdateException($"{origin}: tar entry '{name}' points outside the target directory, refusing");
            parts.Add(part);
        }
        return string.Join('/', parts);
    }

    /// <summary>Refuses to write through a symlink an earlier entry created (e.g. <c>a -> /etc</c>, then <c>a/passwd</c>).</summary>
    private static void EnsureNoSymlinkInParents(string root, string relative, string origin, string name)
    {
        string current = root;
        var parts = relative.Split('/');
        for (int i = 0; i < parts.Length - 1; i++)
        {
            current = Path.Combine(current, parts[i]);
            if (IsSymlink(current))
                throw new SysUpdateException($"{origin}: tar entry '{name}' would be written through the symlink '{parts[i]}', refusing");
        }
    }

    private static bool IsSymlink(string path)
    {
        return new FileInfo(path).LinkTarget is not null;
    }

    private static void RemoveExisting(string path)
    {
        if (Directory.Exists(path) && !IsSymlink(path))
            Directory.Delete(path, recursive: true);
        else if (File.Exists(path) || IsSymlink(path))
            File.Delete(path);
    }
}
