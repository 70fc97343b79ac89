using SysUpdate.Core.Config;
using SysUpdate.Core.Native;

namespace SysUpdate.Core.Targets;

/// <summary><c>CurrentSymlink=</c>: atomically points a symlink at the newly installed instance, with
/// a relative link target, by creating a temporary link <c>.#NAME…</c> and renaming it over the old
/// one; the directory is synced after the rename. The link's directory is resolved inside the root, so
/// a symlink in the root never moves it onto the host. <see cref="Repair"/> fixes what a run killed
/// between installing and switching the link left behind.</summary>
internal static class CurrentSymlink
{
    private const string TemporaryPrefix = ".#";

    /// <returns>The symlink's path and its (relative) target.</returns>
    public static (string LinkPath, string LinkTarget) Update(string configured, string targetDirectory, string root, string installedPath)
    {
        string linkPath = Locate(configured, targetDirectory, root);
        string parent = Path.GetDirectoryName(linkPath)!;
        Directory.CreateDirectory(parent);
        string relative = Path.GetRelativePath(parent, installedPath);
        string temporary = Path.Combine(parent, $"{TemporaryPrefix}{Path.GetFileName(linkPath)}{Guid.NewGuid():N}");
        try
        {
            File.CreateSymbolicLink(temporary, relative);
            LibC.Rename(temporary, linkPath);
            LibC.FsyncPath(parent);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SysUpdateException)
        {
            if (LibC.GetFileKind(temporary) == FileKind.Symlink)
                File.Delete(temporary);
            throw new SysUpdateException($"Failed to update current symlink '{linkPath}' → '{relative}': {ex.Message}", ex);
        }
        return (linkPath, relative);
    }

    /// <summary>
    /// Removes stale temporary links (<c>.#NAME…</c>) beside the symlink and points it at
    /// <paramref name="installedNewestFirst"/>[0] when it is missing, dangles, or points at another
    /// (older) installed instance. A link pointing anywhere else, or a file or directory in its place,
    /// is left alone.
    /// </summary>
    /// <returns>The symlink and its new target when it was changed, else null.</returns>
    public static (string LinkPath, string LinkTarget)? Repair(string configured, string targetDirectory, string root, IReadOnlyList<string> installedNewestFirst)
    {
        string linkPath = Locate(configured, targetDirectory, root);
        string parent = Path.GetDirectoryName(linkPath)!;
        string name = Path.GetFileName(linkPath);
        RemoveStaleTemporaries(parent, name);
        if (installedNewestFirst.Count == 0)
            return null;

        string newest = Path.GetFullPath(installedNewestFirst[0]);
        switch (LibC.GetFileKind(linkPath))
        {
            case FileKind.None:
                break;
            case FileKind.Symlink:
                string current = new FileInfo(linkPath).LinkTarget!;
                string pointee = PointeeOf(current, parent, root);
                if (pointee == newest)
                    return null;
                bool dangles = LibC.GetFileKind(RootedPath.Resolve(root, RootedPath.InRoot(root, pointee) ?? pointee)) == FileKind.None;
                bool older = installedNewestFirst.Skip(1).Any(p => Path.GetFullPath(p) == pointee);
                if (!dangles && !older)
                    return null;
                break;
            default:
                return null;
        }
        return Update(configured, targetDirectory, root, newest);
    }

    /// <summary>Where the symlink lives on the host: relative to the target directory, or absolute
    /// below the root; everything but its own name resolved inside the root.</summary>
    private static string Locate(string configured, string targetDirectory, string root)
    {
        string inRoot = configured.StartsWith('/')
            ? configured
            : Path.Combine(RootedPath.InRoot(root, targetDirectory)
                           ?? throw new SysUpdateException($"{targetDirectory}: target directory is not below the root {root}"), configured);
        string linkPath = RootedPath.ResolveParent(root, inRoot);
        if (RootedPath.InRoot(root, linkPath) is null)
            throw new SysUpdateException($"CurrentSymlink={configured} resolves to '{linkPath}', outside the root {root}, refusing") { Errno = Errno.EPERM };
        return linkPath;
    }

    /// <summary>The host path a link's text names (an absolute target counts from the root).</summary>
    private static string PointeeOf(string linkTarget, string parent, string root)
    {
        if (!linkTarget.StartsWith('/'))
            return Path.GetFullPath(Path.Combine(parent, linkTarget));
        return RootedPath.IsHostRoot(root) ? Path.GetFullPath(linkTarget) : Path.GetFullPath(Path.Combine(root, linkTarget.TrimStart('/')));
    }

    private static void RemoveStaleTemporaries(string parent, string name)
    {
        if (!Directory.Exists(parent))
            return;
        foreach (var entry in Directory.EnumerateFileSystemEntries(parent, TemporaryPrefix + name + "*"))
        {
            if (LibC.GetFileKind(entry) == FileKind.Symlink)
                File.Delete(entry);
        }
    }
}
