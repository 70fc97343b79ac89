using System.Formats.Tar;
using System.Text;
using SysUpdate.Core.Native;

namespace SysUpdate.Core.Targets;

/// <summary>
/// Unpacks a tar stream into a directory with our own loop over <see cref="TarReader"/> entries:
/// applies mode, owner (when root), mtime, symlinks, hard links, device nodes and
/// <c>SCHILY.xattr.*</c> extended attributes, and refuses any entry that would land outside the
/// directory (absolute names, <c>..</c>, hard links pointing out, writes through symlinks) or that
/// exceeds a <see cref="TarLimits"/> cap. The result stays unreachable for other users, with its
/// privileges held back, until <see cref="ExtractedTree.Expose"/>.
/// </summary>
internal static class TarExtractor
{
    private const string XattrPrefix = "SCHILY.xattr.";
    private const string GnuSparsePrefix = "GNU.sparse.";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode NewFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static async Task<ExtractedTree> ExtractAsync(Stream tar, string destination, string origin, TarLimits limits, CancellationToken cancellationToken)
    {
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(destination));
        Directory.CreateDirectory(root, OwnerOnly);
        File.SetUnixFileMode(root, OwnerOnly);
        var tree = new ExtractedTree(root);
        var context = new EntryContext(tree, origin, limits, Environment.IsPrivilegedProcess);
        var guarded = new TarInputGuard(tar, origin, limits);
        long entries = 0;
        try
        {
            await using var reader = new TarReader(guarded, leaveOpen: true);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (++entries > limits.MaxEntries)
                    throw new TarArchiveException(TarArchiveError.TooManyEntries, $"{origin}: tar archive has more than {limits.MaxEntries} entries, refusing");
                await ExtractEntryAsync(entry, context, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or OverflowException)
        {
            throw new TarArchiveException(TarArchiveError.Malformed, $"{origin}: not a valid tar archive: {OneLine(ex.Message)}", ex);
        }
        catch (EndOfStreamException ex)
        {
            throw new TarArchiveException(TarArchiveError.Truncated, $"{origin}: tar archive is truncated, refusing", ex);
        }
        return tree;
    }

    private sealed record EntryContext(ExtractedTree Tree, string Origin, TarLimits Limits, bool IsRoot);

    private static async Task ExtractEntryAsync(TarEntry entry, EntryContext c, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string root = c.Tree.Root;
        if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
            return;
        if (entry is PaxTarEntry pax && pax.ExtendedAttributes.Keys.Any(k => k.StartsWith(GnuSparsePrefix, StringComparison.Ordinal)))
            throw new TarArchiveException(TarArchiveError.Unsupported, $"{c.Origin}: tar entry '{entry.Name}' is a sparse file, which is not supported, refusing");

        string relative = Normalize(entry.Name, c);
        if (relative.Length == 0)
        {
            if (entry.EntryType == TarEntryType.Directory)
            {
                ApplyOwnerAndAttributes(root, entry, c);
                c.Tree.AddDirectory(root, EntryMode(entry), entry.ModificationTime);
            }
            return;
        }
        string path = root + "/" + relative;
        if (Encoding.UTF8.GetByteCount(path) >= TarLimits.PathMax)
            throw new TarArchiveException(TarArchiveError.NameTooLong,
                $"{c.Origin}: tar entry '{Shorten(entry.Name)}' is too long to extract below {root} (PATH_MAX {TarLimits.PathMax}), refusing");
        EnsureParents(relative, entry.Name, c);
        var existing = LibC.GetFileKind(path);

        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                if (existing is not (FileKind.None or FileKind.Directory or FileKind.Symlink))
                    throw Conflict(c, entry.Name, "a directory", "a file");
                if (existing == FileKind.Symlink)
                    File.Delete(path);
                if (existing != FileKind.Directory)
                    Directory.CreateDirectory(path, OwnerOnly);
                ApplyOwnerAndAttributes(path, entry, c);
                c.Tree.AddDirectory(path, EntryMode(entry), entry.ModificationTime);
                return;

            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                ReplaceNonDirectory(path, existing, entry.Name, c);
                await using (var output = new FileStream(path, new FileStreamOptions
                             {
                                 Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None,
                                 Options = FileOptions.Asynchronous, UnixCreateMode = NewFileMode,
                             }))
                {
                    if (entry.DataStream is { } data)
                        await data.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                }
                ApplyOwnerAndAttributes(path, entry, c);
                File.SetUnixFileMode(path, c.Tree.HoldPrivileges(path, EntryMode(entry)));
                File.SetLastWriteTimeUtc(path, entry.ModificationTime.UtcDateTime);
                return;

            case TarEntryType.SymbolicLink:
                ReplaceNonDirectory(path, existing, entry.Name, c);
                File.CreateSymbolicLink(path, entry.LinkName);
                if (c.IsRoot)
                    LibC.LChown(path, entry.Uid, entry.Gid);
                return;

            case TarEntryType.HardLink:
                string targetRelative = Normalize(entry.LinkName, c);
                string target = root + "/" + targetRelative;
                EnsureNoSymlinkInParents(targetRelative, entry.LinkName, c);
                if (targetRelative.Length == 0 || LibC.GetFileKind(target) is FileKind.None or FileKind.Directory or FileKind.Symlink)
                    throw new TarArchiveException(TarArchiveError.Unsafe,
                        $"{c.Origin}: tar entry '{entry.Name}' is a hard link to '{entry.LinkName}', which is not a file in the archive, refusing");
                ReplaceNonDirectory(path, existing, entry.Name, c);
                LibC.Link(target, path);
                return;

            case TarEntryType.Fifo or TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                if (!c.IsRoot)
                    return;
                ReplaceNonDirectory(path, existing, entry.Name, c);
                CreateNode(path, entry, c);
                return;

            default:
                throw new TarArchiveException(TarArchiveError.Unsupported,
                    $"{c.Origin}: tar entry '{Shorten(entry.Name)}' has unsupported type {entry.EntryType}, refusing");
        }
    }

    /// <summary>Device nodes are created with no permissions; their mode is applied once the payload
    /// is verified. A FIFO grants nothing and gets its mode at once.</summary>
    private static void CreateNode(string path, TarEntry entry, EntryContext c)
    {
        var mode = EntryMode(entry);
        if (entry.EntryType == TarEntryType.Fifo)
        {
            LibC.MakeNode(path, LibC.S_IFIFO, 0, 0);
            ApplyOwnerAndAttributes(path, entry, c);
            File.SetUnixFileMode(path, c.Tree.HoldPrivileges(path, mode));
        }
        else
        {
            var posix = (PosixTarEntry)entry;
            uint type = entry.EntryType == TarEntryType.CharacterDevice ? LibC.S_IFCHR : LibC.S_IFBLK;
            LibC.MakeNode(path, type, (uint)posix.DeviceMajor, (uint)posix.DeviceMinor);
            ApplyOwnerAndAttributes(path, entry, c);
            c.Tree.HoldDeviceMode(path, mode);
        }
        File.SetLastWriteTimeUtc(path, entry.ModificationTime.UtcDateTime);
    }

    private static UnixFileMode EntryMode(TarEntry entry) => (UnixFileMode)((int)entry.Mode & 0xFFF);

    /// <summary>Owner (as root) and <c>SCHILY.xattr.*</c> attributes; a file capability is held back.</summary>
    private static void ApplyOwnerAndAttributes(string path, TarEntry entry, EntryContext c)
    {
        if (c.IsRoot)
            LibC.LChown(path, entry.Uid, entry.Gid);
        if (entry is not PaxTarEntry pax)
            return;
        foreach (var (key, value) in pax.ExtendedAttributes)
        {
            if (!key.StartsWith(XattrPrefix, StringComparison.Ordinal))
                continue;
            string name = key[XattrPrefix.Length..];
            // PAX values are UTF-8 text; binary values cannot be carried faithfully by
            // System.Formats.Tar, so we write what it gives us (see DESIGN.md).
            byte[] bytes = Encoding.UTF8.GetBytes(value);
            if (name == ExtractedTree.CapabilityAttribute)
            {
                if (c.IsRoot)
                    c.Tree.HoldCapability(path, bytes);
                continue;
            }
            try
            {
                LibC.LSetXattr(path, name, bytes);
            }
            catch (SysUpdateException) when (!c.IsRoot)
            {
                // Unprivileged extraction cannot set trusted.*/security.* attributes; skip them.
            }
        }
    }

    /// <summary>Turns an archive member name into a safe relative path, or refuses it.</summary>
    private static string Normalize(string name, EntryContext c)
    {
        if (Encoding.UTF8.GetByteCount(name) >= TarLimits.PathMax)
            throw new TarArchiveException(TarArchiveError.NameTooLong,
                $"{c.Origin}: tar entry '{Shorten(name)}' has a name longer than PATH_MAX ({TarLimits.PathMax}), refusing");
        if (name.StartsWith('/'))
            throw new TarArchiveException(TarArchiveError.Unsafe, $"{c.Origin}: tar entry '{name}' has an absolute name, refusing");
        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part.Length == 0 || part == ".")
                continue;
            if (part == "..")
                throw new TarArchiveException(TarArchiveError.Unsafe, $"{c.Origin}: tar entry '{name}' points outside the target directory, refusing");
            if (Encoding.UTF8.GetByteCount(part) > TarLimits.NameMax)
                throw new TarArchiveException(TarArchiveError.NameTooLong,
                    $"{c.Origin}: tar entry '{Shorten(name)}' has a component longer than NAME_MAX ({TarLimits.NameMax}), refusing");
            if (part.Contains('\0', StringComparison.Ordinal))
                throw new TarArchiveException(TarArchiveError.Malformed, $"{c.Origin}: tar entry '{Shorten(name)}' has a NUL in its name, refusing");
            parts.Add(part);
        }
        if (parts.Count > c.Limits.MaxDepth)
            throw new TarArchiveException(TarArchiveError.NameTooLong,
                $"{c.Origin}: tar entry '{Shorten(name)}' is nested {parts.Count} directories deep (limit {c.Limits.MaxDepth}), refusing");
        return string.Join('/', parts);
    }

    /// <summary>Creates missing parent directories (0700 until exposed, then 0755 as tar does) and refuses
    /// parents that are symlinks or files.</summary>
    private static void EnsureParents(string relative, string name, EntryContext c)
    {
        string current = c.Tree.Root;
        var parts = relative.Split('/');
        for (int i = 0; i < parts.Length - 1; i++)
        {
            current = current + "/" + parts[i];
            switch (LibC.GetFileKind(current))
            {
                case FileKind.Directory:
                    break;
                case FileKind.None:
                    Directory.CreateDirectory(current, OwnerOnly);
                    c.Tree.AddDirectory(current, (UnixFileMode)0x1ED, null);
                    break;
                case FileKind.Symlink:
                    throw new TarArchiveException(TarArchiveError.Unsafe,
                        $"{c.Origin}: tar entry '{Shorten(name)}' would be written through the symlink '{parts[i]}', refusing");
                default:
                    throw new TarArchiveException(TarArchiveError.Conflict,
                        $"{c.Origin}: tar entry '{Shorten(name)}' needs '{string.Join('/', parts[..(i + 1)])}' to be a directory, but an earlier entry made it a file, refusing");
            }
        }
    }

    /// <summary>Refuses to go through a symlink an earlier entry created (e.g. <c>a -> /etc</c>, then a hard link to <c>a/passwd</c>).</summary>
    private static void EnsureNoSymlinkInParents(string relative, string name, EntryContext c)
    {
        string current = c.Tree.Root;
        var parts = relative.Split('/');
        for (int i = 0; i < parts.Length - 1; i++)
        {
            current = current + "/" + parts[i];
            if (LibC.GetFileKind(current) == FileKind.Symlink)
                throw new TarArchiveException(TarArchiveError.Unsafe,
                    $"{c.Origin}: tar entry '{Shorten(name)}' would be written through the symlink '{parts[i]}', refusing");
        }
    }

    /// <summary>Archives may repeat a file (a later copy wins), but a file never replaces a directory.</summary>
    private static void ReplaceNonDirectory(string path, FileKind existing, string name, EntryContext c)
    {
        switch (existing)
        {
            case FileKind.None:
                return;
            case FileKind.Directory:
                throw Conflict(c, name, "a file", "a directory");
            default:
                File.Delete(path);
                c.Tree.Forget(path);
                return;
        }
    }

    private static TarArchiveException Conflict(EntryContext c, string name, string now, string before) =>
        new(TarArchiveError.Conflict, $"{c.Origin}: tar entry '{Shorten(name)}' is {now}, but an earlier entry of that name is {before}, refusing");

    private static string Shorten(string name) => name.Length <= 200 ? name : name[..100] + "…" + name[^60..];

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
