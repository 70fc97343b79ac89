namespace SysUpdate.Core.Targets;

/// <summary><c>CurrentSymlink=</c>: atomically points a symlink at the newly installed instance, with
/// a relative link target, by creating a temporary link and renaming it over the old one.</summary>
internal static class CurrentSymlink
{
    /// <returns>The symlink's path and its (relative) target.</returns>
    public static (string LinkPath, string LinkTarget) Update(string configured, string targetDirectory, string root, string installedPath)
    {
        string linkPath = configured.StartsWith('/')
            ? (root == "/" ? configured : Path.Combine(root, configured.TrimStart('/')))
            : Path.GetFullPath(Path.Combine(targetDirectory, configured));
        string parent = Path.GetDirectoryName(linkPath)!;
        Directory.CreateDirectory(parent);
        string relative = Path.GetRelativePath(parent, installedPath);
        string temporary = Path.Combine(parent, $".#{Path.GetFileName(linkPath)}{Guid.NewGuid():N}");
        try
        {
            File.CreateSymbolicLink(temporary, relative);
            Native.LibC.Rename(temporary, linkPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SysUpdateException)
        {
            if (new FileInfo(temporary).LinkTarget is not null)
                File.Delete(temporary);
            throw new SysUpdateException($"Failed to update current symlink '{linkPath}' → '{relative}': {ex.Message}", ex);
        }
        return (linkPath, relative);
    }
}
