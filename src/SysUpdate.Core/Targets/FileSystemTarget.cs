using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Compression;
using SysUpdate.Core.Config;
using SysUpdate.Core.Instances;
using SysUpdate.Core.Native;
using SysUpdate.Core.Pipeline;
using SysUpdate.Core.Sources;
using SysUpdate.Core.Transport;
using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Targets;

/// <summary>
/// A <c>regular-file</c>, <c>directory</c> or <c>subvolume</c> target: instances are entries below
/// the target directory. New instances are written as <c>.sysupdate.partial.NAME</c>, synced,
/// renamed to <c>.sysupdate.pending.NAME</c> once complete, and renamed to <c>NAME</c> on install,
/// so a crash never leaves a half-written file under its final name.
/// </summary>
internal sealed class FileSystemTarget(Transfer transfer, string directory, bool sync) : ITargetResource
{
    public ResourceType Type => transfer.Target.Type;

    public string Location => directory;

    public Task<TargetInventory> DiscoverAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var instances = FileSystemScanner.Scan(directory, transfer.Target.Type, transfer.Target.Patterns);
        return Task.FromResult(new TargetInventory(instances, 0));
    }

    public PreparedInstall Prepare(InstanceMetadata metadata)
    {
        string formatted = transfer.Target.Patterns[0].Format(metadata);
        if (!IsSafeRelativePath(formatted))
            throw new SysUpdateException($"{transfer.DefinitionPath}: Formatted pattern is not suitable as file name, refusing: {formatted}")
            { Errno = Errno.EINVAL };
        string final = Path.Combine(directory, formatted);
        string dir = Path.GetDirectoryName(final)!;
        string name = Path.GetFileName(final);
        return new PreparedInstall
        {
            FinalPath = final,
            PartialPath = Path.Combine(dir, FileSystemScanner.PartialPrefix + name),
            PendingPath = Path.Combine(dir, FileSystemScanner.PendingPrefix + name),
            ReadOnly = metadata.ReadOnly,
        };
    }

    public PreparedInstall PrepareFromPending(Instance pending, InstanceMetadata metadata) => Prepare(metadata);

    /// <summary>Removes leftovers of interrupted acquisitions (<c>.sysupdate.partial.*</c> and the
    /// legacy <c>.#*</c>) at the top of the target directory.</summary>
    public void RemoveTemporary()
    {
        if (!transfer.RemoveTemporary || !Directory.Exists(directory))
            return;
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            if (entry.Name.StartsWith(FileSystemScanner.PartialPrefix, StringComparison.Ordinal) || entry.Name.StartsWith(".#", StringComparison.Ordinal))
                RemoveTree(entry.FullName);
        }
    }

    public Task RemoveInstanceAsync(Instance instance, CancellationToken cancellationToken = default)
    {
        try
        {
            RemoveTree(instance.Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SysUpdateException($"Failed to make room, deleting '{instance.Path}' failed: {ex.Message}", ex)
            { Errno = FileSystemFailure.ErrnoOf(ex) ?? Errno.EIO };
        }
        RemoveEmptyParents(instance.Path);
        return Task.CompletedTask;
    }

    public async Task AcquireAsync(PreparedInstall prepared, Instance source, ISourceResource sourceResource, InstanceMetadata metadata,
        Action<long, long?>? onBytes, CancellationToken cancellationToken = default)
    {
        string partial = prepared.PartialPath!;
        long written = 0;
        long? total = null;
        void Count(long done, long? length)
        {
            written = done;
            total = length ?? total;
            onBytes?.Invoke(done, length);
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
            RemoveTree(partial);
            await AcquireIntoAsync(partial, prepared, source, sourceResource, metadata, Count, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (FileSystemFailure.ErrnoOf(ex) is { } errno)
        {
            // Full, read-only or not ours: the partial is worth nothing, and on a full file system it
            // is what keeps it full.
            TryRemoveTree(partial);
            long? needed = source.Metadata.Size is { } size ? (long)Math.Min(size, long.MaxValue) : total;
            throw FileSystemFailure.Describe(errno, directory, Path.GetFileName(prepared.FinalPath!), written, needed, ex);
        }
    }

    private async Task AcquireIntoAsync(string partial, PreparedInstall prepared, Instance source, ISourceResource sourceResource, InstanceMetadata metadata,
        Action<long, long?> onBytes, CancellationToken cancellationToken)
    {
        try
        {
            await WritePayloadAsync(partial, prepared.FinalPath!, source, sourceResource, onBytes, cancellationToken).ConfigureAwait(false);

            if (metadata.MtimeMicroseconds is { } mtime)
            {
                var time = DateTime.UnixEpoch.AddTicks((long)mtime * 10);
                if (Directory.Exists(partial))
                    Directory.SetLastWriteTimeUtc(partial, time);
                else
                    File.SetLastWriteTimeUtc(partial, time);
            }
            if (metadata.Mode is { } mode)
                File.SetUnixFileMode(partial, (UnixFileMode)mode);
            if (sync)
                SyncEntry(partial);

            RenameReplacing(partial, prepared.PendingPath!, prepared.ReadOnly == true);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TransportException)
        {
            // Cancelled, or the download broke off and cannot be resumed: nothing worth keeping,
            // and the next run simply starts over.
            TryRemoveTree(partial);
            throw;
        }
        // Any other failure (a hash mismatch: the release is broken) leaves the instance partial, as
        // upstream does; the operations core records the verdict, and the next update asks for a vacuum.
    }

    public Task<string> InstallAsync(PreparedInstall prepared, CancellationToken cancellationToken = default)
    {
        try
        {
            RenameReplacing(prepared.PendingPath!, prepared.FinalPath!, prepared.ReadOnly == true);
        }
        catch (Exception ex) when (FileSystemFailure.ErrnoOf(ex) is { } errno)
        {
            throw FileSystemFailure.Describe(errno, directory, Path.GetFileName(prepared.FinalPath!), 0, null, ex);
        }
        return Task.FromResult(prepared.FinalPath!);
    }

    private async Task WritePayloadAsync(string partial, string finalPath, Instance source, ISourceResource sourceResource, Action<long, long?>? onBytes, CancellationToken cancellationToken)
    {
        switch (sourceResource.Type)
        {
            case ResourceType.Directory or ResourceType.Subvolume:
                await DirectoryCopier.CopyAsync(source.Path, partial, cancellationToken).ConfigureAwait(false);
                return;

            case ResourceType.Tar or ResourceType.UrlTar:
            {
                await using var payload = await sourceResource.OpenAsync(source, 0, null, cancellationToken).ConfigureAwait(false);
                await using var reader = await PayloadReader.OpenAsync(payload.Stream, source.Path, source.Metadata.Sha256,
                    onBytes is null ? null : n => onBytes(n, payload.TotalLength), cancellationToken).ConfigureAwait(false);
                var limits = TarLimits.ForTarget(Path.GetDirectoryName(partial)!, source.Metadata.Size);
                await VerifiedTarExtraction.RunAsync(reader, partial, source.Path, limits, cancellationToken).ConfigureAwait(false);
                return;
            }

            default:
                await WriteFileAsync(partial, finalPath, source, sourceResource, onBytes, cancellationToken).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>
    /// Streams a file payload into <paramref name="partial"/>. A raw download from a URL that breaks
    /// off is kept (see <see cref="ResumeState"/>) and continued with Range/If-Range by the next run.
    /// </summary>
    private async Task WriteFileAsync(string partial, string finalPath, Instance source, ISourceResource sourceResource,
        Action<long, long?>? onBytes, CancellationToken cancellationToken)
    {
        bool resumable = sourceResource.Type == ResourceType.UrlFile && source.Metadata.Sha256 is not null;
        ResumeState.RemoveStale(Path.GetDirectoryName(finalPath)!, resumable ? finalPath : null);
        long offset = 0;
        var resume = resumable ? ResumeState.Load(finalPath) : null;
        if (resume is not null && resume.Url == source.Path && resume.Sha256 == source.Metadata.Sha256)
        {
            LibC.Rename(ResumeState.DataPath(finalPath), partial);
            offset = new FileInfo(partial).Length;
        }
        else
        {
            resume = null;
        }
        ResumeState.Delete(finalPath);

        await using var payload = await sourceResource.OpenAsync(source, offset, resume?.Validator, cancellationToken).ConfigureAwait(false);
        using var handle = File.OpenHandle(partial, offset > 0 ? FileMode.Open : FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.Asynchronous);
        if (offset > 0 && payload.Offset != offset)
        {
            RandomAccess.SetLength(handle, 0); // the server could not continue (file changed, no ranges): start over
            offset = 0;
        }
        Action<long>? report = onBytes is null ? null : n => onBytes(n, payload.TotalLength);
        await using var reader = offset > 0
            ? await PayloadReader.OpenResumedAsync(payload.Stream, handle, offset, source.Path, source.Metadata.Sha256, report, cancellationToken).ConfigureAwait(false)
            : await PayloadReader.OpenAsync(payload.Stream, source.Path, source.Metadata.Sha256, report, cancellationToken).ConfigureAwait(false);
        try
        {
            await BoundedWriter.CopyAsync(reader.Decoded, handle, offset, null, partial, sync, cancellationToken).ConfigureAwait(false);
        }
        catch (TransportException ex) when (resumable && reader.Format == CompressionFormat.None
                                             && ex.Error is TransportError.Truncated or TransportError.Timeout or TransportError.TooSlow or TransportError.Network)
        {
            handle.Dispose();
            new ResumeState(source.Path, source.Metadata.Sha256!, payload.Validator).SaveFrom(partial, finalPath);
            throw new SysUpdateException($"{ex.Message}; {new FileInfo(ResumeState.DataPath(finalPath)).Length} bytes kept, the next update resumes from there", ex)
            { Errno = Errno.EPROTO };
        }
        await reader.VerifyAsync(cancellationToken).ConfigureAwait(false);
    }

    private void RenameReplacing(string from, string to, bool readOnly)
    {
        if (readOnly && File.Exists(from))
        {
            var mode = File.GetUnixFileMode(from);
            File.SetUnixFileMode(from, mode & ~(UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
        }
        if (Directory.Exists(from))
        {
            if (Directory.Exists(to) || File.Exists(to))
                RemoveTree(to);
            LibC.Rename(from, to);
        }
        else
        {
            LibC.Rename(from, to);
        }
        if (sync)
        {
            if (Directory.Exists(to))
                LibC.SyncFileSystem(to);
            else
                LibC.FsyncPathAndParent(to);
        }
    }

    private void SyncEntry(string path)
    {
        if (Directory.Exists(path))
            LibC.SyncFileSystem(path);
        else
            LibC.FsyncPathAndParent(path);
    }

    /// <summary>Removes now-empty directories between a removed instance and the target directory.</summary>
    private void RemoveEmptyParents(string removedPath)
    {
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        string? parent = Path.GetDirectoryName(Path.GetFullPath(removedPath));
        while (parent is not null && parent.Length > root.Length && parent.StartsWith(root + "/", StringComparison.Ordinal))
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(parent).Any())
                    break;
                Directory.Delete(parent);
            }
            catch (IOException)
            {
                break;
            }
            parent = Path.GetDirectoryName(parent);
        }
    }

    internal static bool IsSafeRelativePath(string path) =>
        path.Length > 0 && !path.StartsWith('/') && path.Split('/').All(p => p.Length > 0 && p != "." && p != "..");

    internal static void RemoveTree(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || File.Exists(path))
        {
            if (File.Exists(path) && !info.Attributes.HasFlag(FileAttributes.Directory))
                File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserWrite);
            File.Delete(path);
            return;
        }
        if (!Directory.Exists(path))
            return;
        foreach (var entry in new DirectoryInfo(path).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo && entry.LinkTarget is null)
                RemoveTree(entry.FullName);
            else
                entry.Delete();
        }
        Directory.Delete(path);
    }

    private static void TryRemoveTree(string path)
    {
        try
        {
            RemoveTree(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the next run's RemoveTemporary.
        }
    }
}
