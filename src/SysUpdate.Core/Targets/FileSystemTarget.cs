using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Compression;
using SysUpdate.Core.Config;
using SysUpdate.Core.Delta;
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
/// <param name="info">Receives one-line notes (why a delta download fell back to the whole image, what it reused).</param>
internal sealed class FileSystemTarget(Transfer transfer, string directory, bool sync, Action<string>? info = null) : ITargetResource
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
        Action<PayloadProgress>? onProgress, CancellationToken cancellationToken = default)
    {
        string partial = prepared.PartialPath!;
        long written = 0;
        long? total = null;
        CompressionFormat? format = null; // known once a file or tar payload's first bytes were read
        void Count(PayloadProgress progress)
        {
            written = progress.Done;
            total = progress.Total ?? total;
            onProgress?.Invoke(progress);
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
            RemoveTree(partial);
            await AcquireIntoAsync(partial, prepared, source, sourceResource, metadata, Count, found => format = found, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (FileSystemFailure.ErrnoOf(ex) is { } errno)
        {
            // Full, read-only or not ours: the partial is worth nothing, and on a full file system it
            // is what keeps it full.
            TryRemoveTree(partial);
            ResumeState.Delete(prepared.FinalPath!);
            // Only a raw file's published size is the space it needs: a compressed one decodes into an unknown amount more.
            long? needed = format is { } found && found != CompressionFormat.None ? null : source.Metadata.Size is { } size ? (long)Math.Min(size, long.MaxValue) : total;
            throw FileSystemFailure.Describe(errno, directory, Path.GetFileName(prepared.FinalPath!), written, needed, ex);
        }
    }

    private async Task AcquireIntoAsync(string partial, PreparedInstall prepared, Instance source, ISourceResource sourceResource, InstanceMetadata metadata,
        Action<PayloadProgress> onProgress, Action<CompressionFormat> onPayloadFormat, CancellationToken cancellationToken)
    {
        try
        {
            await WritePayloadAsync(partial, prepared.FinalPath!, source, sourceResource, onProgress, onPayloadFormat, cancellationToken).ConfigureAwait(false);

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
            else if (File.Exists(partial))
                File.SetUnixFileMode(partial, PartialFileMode.Verified()); // owner-only until verified, see WriteFileAsync
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

    private async Task WritePayloadAsync(string partial, string finalPath, Instance source, ISourceResource sourceResource, Action<PayloadProgress>? onProgress,
        Action<CompressionFormat>? onPayloadFormat, CancellationToken cancellationToken)
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
                    onProgress is null ? null : n => onProgress(new PayloadProgress(n, payload.TotalLength)), cancellationToken).ConfigureAwait(false);
                onPayloadFormat?.Invoke(reader.Format);
                var limits = TarLimits.ForTarget(Path.GetDirectoryName(partial)!, source.Metadata.Size);
                await VerifiedTarExtraction.RunAsync(reader, partial, source.Path, limits, cancellationToken).ConfigureAwait(false);
                return;
            }

            default:
                if (await TryWriteDeltaAsync(partial, finalPath, source, sourceResource, onProgress, cancellationToken).ConfigureAwait(false))
                    return;
                await WriteFileAsync(partial, finalPath, source, sourceResource, onProgress, onPayloadFormat, cancellationToken).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>
    /// Streams a file payload into <paramref name="partial"/>. A raw download from a URL is written into the resume file
    /// instead (<see cref="ResumeState"/>, state saved first, a checkpoint after every fsynced window), so that a run
    /// killed, cancelled or cut off at any point leaves what it had, and the next run continues with Range/If-Range
    /// from the last checkpoint (or, after a broken connection, from all it received). A compressed download starts over.
    /// </summary>
    private async Task WriteFileAsync(string partial, string finalPath, Instance source, ISourceResource sourceResource,
        Action<PayloadProgress>? onProgress, Action<CompressionFormat>? onPayloadFormat, CancellationToken cancellationToken)
    {
        bool resumable = sourceResource.Type == ResourceType.UrlFile && source.Metadata.Sha256 is not null;
        ResumeState.RemoveStale(Path.GetDirectoryName(finalPath)!, resumable ? finalPath : null);
        string data = ResumeState.DataPath(finalPath);
        long offset = 0;
        var resume = resumable ? ResumeState.Load(finalPath) : null;
        if (resume is not null && resume.Continues(source.Path, source.Metadata.Sha256, ResumeKind.Raw))
        {
            long length = new FileInfo(data).Length;
            offset = resume.Bytes is { } checkpoint ? Math.Min(checkpoint, length) : length;
        }
        else if (resume is { Kind: ResumeKind.Delta })
        {
            resume = null; // a delta download's chunks: kept for the next run unless a raw download takes the file over below
        }
        else
        {
            resume = null;
            ResumeState.Delete(finalPath);
        }

        await using var payload = await sourceResource.OpenAsync(source, offset, resume?.Validator, cancellationToken).ConfigureAwait(false);
        if (offset > 0 && payload.Offset != offset)
        {
            ResumeState.Delete(finalPath); // the server could not continue (file changed, no ranges): start over
            offset = 0;
        }
        Action<long>? report = onProgress is null ? null : n => onProgress(new PayloadProgress(n, payload.TotalLength));
        SafeFileHandle handle;
        PayloadReader reader;
        string written;
        if (offset > 0)
        {
            written = data;
            handle = File.OpenHandle(data, FileMode.Open, FileAccess.ReadWrite, FileShare.None, FileOptions.Asynchronous);
            File.SetUnixFileMode(handle, PartialFileMode.WhileUnverified);
            RandomAccess.SetLength(handle, offset);
            reader = await PayloadReader.OpenResumedAsync(payload.Stream, handle, offset, source.Path, source.Metadata.Sha256, report, cancellationToken)
                .ConfigureAwait(false);
        }
        else
        {
            reader = await PayloadReader.OpenAsync(payload.Stream, source.Path, source.Metadata.Sha256, report, cancellationToken).ConfigureAwait(false);
            written = resumable && reader.Format == CompressionFormat.None ? data : partial;
            if (written == data)
                ResumeState.Delete(finalPath);
            handle = File.OpenHandle(written, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.Asynchronous);
            File.SetUnixFileMode(handle, PartialFileMode.WhileUnverified);
        }

        onPayloadFormat?.Invoke(reader.Format);
        await using (reader.ConfigureAwait(false))
        {
            using (handle)
            using (var direct = BoundedWriter.TryOpenDirect(handle))
            {
                var state = written == data ? new ResumeState(source.Path, source.Metadata.Sha256!, payload.Validator, ResumeKind.Raw, offset) : null;
                state?.Save(finalPath);
                try
                {
                    if (state is not null)
                    {
                        await CheckpointedWriter.CopyAsync(reader.Decoded, handle, direct, 0, long.MaxValue, offset, CheckpointedWriter.IntervalFor(payload.TotalLength),
                            data, null, (bytes, _) =>
                            {
                                (state with { Bytes = bytes }).Save(finalPath);
                                return ValueTask.CompletedTask;
                            }, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await BoundedWriter.CopyAsync(reader.Decoded, handle, offset, null, partial, sync, cancellationToken, direct).ConfigureAwait(false);
                    }
                }
                catch (TransportException ex) when (state is not null
                                                     && ex.Error is TransportError.Truncated or TransportError.Timeout or TransportError.TooSlow or TransportError.Network)
                {
                    // All that arrived is kept: made durable first, then recorded.
                    RandomAccess.FlushToDisk(handle);
                    long kept = RandomAccess.GetLength(handle);
                    (state with { Bytes = kept }).Save(finalPath);
                    throw new SysUpdateException($"{ex.Message}; {kept} bytes kept, the next update resumes from there", ex) { Errno = Errno.EPROTO };
                }
            }
            if (written == data)
            {
                LibC.Rename(data, partial);
                File.Delete(ResumeState.StatePath(finalPath));
            }
            await reader.VerifyAsync(cancellationToken).ConfigureAwait(false);
        }
        ResumeState.Delete(finalPath);
    }

    /// <summary>
    /// A delta download (<see cref="DeltaDownload"/>) of a <c>url-file</c> version whose manifest lists a chunk index:
    /// seeded from the installed files of this transfer, written straight into the resume file (with its state
    /// saved first), so that a run killed or cut off at any point leaves the chunks it had for the next run to find
    /// in place. False when the image must be downloaded whole (no index, unusable index, too little to reuse, or the
    /// store failing midway — each said in one line); then nothing of the attempt is left.
    /// </summary>
    private async Task<bool> TryWriteDeltaAsync(string partial, string finalPath, Instance source, ISourceResource sourceResource,
        Action<PayloadProgress>? onProgress, CancellationToken cancellationToken)
    {
        if (source.Metadata.Sha256 is not { } sha256 || source is { ChunkIndex: null, MissingChunkIndex: null })
            return false;
        string dir = Path.GetDirectoryName(finalPath)!;
        ResumeState.RemoveStale(dir, finalPath);
        var state = new ResumeState(source.Path, sha256, null, ResumeKind.Delta);
        bool resuming = ResumeState.Load(finalPath) is { } earlier && earlier.Continues(source.Path, sha256, ResumeKind.Delta);
        using var delta = await DeltaDownload.TryPrepareAsync(source, sourceResource, _ => InstalledSeeds(finalPath), resuming,
            DeltaDownload.MaxFetchShare(transfer.Source), Note, cancellationToken).ConfigureAwait(false);
        if (delta is null)
        {
            if (resuming)
                ResumeState.Delete(finalPath);
            return false;
        }

        string data = ResumeState.DataPath(finalPath);
        if (!resuming)
            ResumeState.Delete(finalPath);
        state.Save(finalPath);
        try
        {
            using (var handle = File.OpenHandle(data, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, FileOptions.Asynchronous))
            {
                File.SetUnixFileMode(handle, PartialFileMode.WhileUnverified);
                // Fresh (empty) or left by an interrupted run: either way fetched chunks go straight to their offsets.
                var inPlace = new InPlaceRegion(handle, 0, RandomAccess.GetLength(handle));
                await using var image = delta.OpenImage(inPlace, onProgress);
                long written = await BoundedWriter.CopyAsync(image, handle, 0, null, partial, sync, cancellationToken).ConfigureAwait(false);
                RandomAccess.SetLength(handle, written);
                delta.Verify(written);
            }
        }
        catch (DeltaUnavailableException ex)
        {
            // A store that stopped answering may answer the next run: its chunks stay for then, unless this run's
            // whole download completes first. A store serving broken chunks is not worth coming back to.
            if (ex.Reason != DeltaFallbackReason.ChunkUnavailable)
                ResumeState.Delete(finalPath);
            Note($"{source.Path}: delta download stopped, downloading the whole image: {ex.Message}");
            return false;
        }
        LibC.Rename(data, partial);
        File.Delete(ResumeState.StatePath(finalPath));
        Note(delta.Summary());
        return true;
    }

    /// <summary>The installed files of this transfer, newest first: where the chunks of a new version most likely are.</summary>
    private IEnumerable<ChunkSeed> InstalledSeeds(string finalPath)
    {
        foreach (var instance in FileSystemScanner.Scan(directory, transfer.Target.Type, transfer.Target.Patterns))
        {
            if (instance.IsPartial || instance.Path == finalPath || !File.Exists(instance.Path))
                continue;
            yield return new ChunkSeed(instance.Path, 0, new FileInfo(instance.Path).Length, instance.Path);
        }
    }

    private void Note(string line) => info?.Invoke(line);

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
