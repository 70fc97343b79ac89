using SysUpdate.Core.Native;

namespace SysUpdate.Core.Targets;

/// <summary>Copies a directory tree (a <c>directory</c> source instance) into a new directory,
/// keeping modes, mtimes, symlinks and, as root, owners. FIFOs, sockets and device nodes are skipped.</summary>
internal static class DirectoryCopier
{
    public static async Task CopyAsync(string source, string destination, CancellationToken cancellationToken)
    {
        bool isRoot = Environment.IsPrivilegedProcess;
        var directories = new List<(string Source, string Destination)>();
        await CopyDirectoryAsync(source, destination, isRoot, directories, cancellationToken).ConfigureAwait(false);
        for (int i = directories.Count - 1; i >= 0; i--)
            Directory.SetLastWriteTimeUtc(directories[i].Destination, Directory.GetLastWriteTimeUtc(directories[i].Source));
    }

    private static async Task CopyDirectoryAsync(string source, string destination, bool isRoot, List<(string, string)> directories, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(destination);
        File.SetUnixFileMode(destination, File.GetUnixFileMode(source));
        directories.Add((source, destination));
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            cancellationToken.ThrowIfCancellationRequested();
            string target = Path.Combine(destination, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                File.CreateSymbolicLink(target, link);
            }
            else if (entry is DirectoryInfo)
            {
                await CopyDirectoryAsync(entry.FullName, target, isRoot, directories, cancellationToken).ConfigureAwait(false);
            }
            else if (entry is FileInfo file && LibC.GetFileKind(file.FullName) == FileKind.Regular)
            {
                // Only regular files: opening a FIFO would block, and device nodes are not copied.
                await using (var input = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous | FileOptions.SequentialScan))
                await using (var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
                    await input.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                File.SetUnixFileMode(target, file.UnixFileMode);
                File.SetLastWriteTimeUtc(target, file.LastWriteTimeUtc);
            }
            else
            {
                continue;
            }
            if (isRoot)
                CopyOwner(entry.FullName, target);
        }
    }

    private static void CopyOwner(string source, string target)
    {
        var (uid, gid) = LibC.GetOwner(source);
        LibC.LChown(target, uid, gid);
    }
}
