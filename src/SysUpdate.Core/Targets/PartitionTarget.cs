using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Compression;
using SysUpdate.Core.Config;
using SysUpdate.Core.Delta;
using SysUpdate.Core.Disk;
using SysUpdate.Core.Faults;
using SysUpdate.Core.Instances;
using SysUpdate.Core.Native;
using SysUpdate.Core.Pipeline;
using SysUpdate.Core.Sources;
using SysUpdate.Core.Transport;
using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Targets;

/// <summary>
/// A <c>partition</c> target: instances are GPT partitions of the configured type on one disk (block
/// device or image file), named by their label; free slots are labelled <c>_empty</c>. Partitions are
/// never created, removed or resized. A new version moves through the slot's GPT entry in three table
/// writes: label + derived <em>partial</em> type (download under way), derived <em>pending</em> type +
/// UUID/flags (bytes complete and verified), then the configured type (installed, the only state in
/// which other tools see it). Each write puts the backup table first, then the primary, with fsync, under
/// <c>flock(LOCK_EX)</c> (see <see cref="GptDisk.UpdatePartition"/>).
/// </summary>
internal sealed class PartitionTarget : ITargetResource
{
    /// <summary>The label of a free slot.</summary>
    public const string EmptyLabel = "_empty";

    /// <summary>Set to 0 (or no/false/off) to skip reading written payloads back.</summary>
    public const string ReadbackVariable = "SYSUPDATE_READBACK";

    private readonly Transfer _transfer;
    private readonly bool _sync;
    private readonly Action<string>? _warn;
    private readonly Action<string>? _info;

    /// <summary>Crash tests' seam; null in the product.</summary>
    private readonly IFaultInjector? _faults;
    private readonly Guid _type;
    private readonly Guid _partialType;
    private readonly Guid _pendingType;

    /// <summary><c>PartitionZeroFill=</c>, resolved: zero the slot from the end of the payload to its end.</summary>
    private readonly bool _zeroFill;

    /// <summary>Compares written payloads with what the device returns before they are marked pending; null when switched off.</summary>
    private readonly PayloadReadback? _readback;

    /// <summary>Where interrupted raw downloads record how far they got (see <see cref="SlotResume"/>); null: no resume.</summary>
    private readonly SlotResumeStore? _resumeStore;

    /// <summary>The slot each acquired <see cref="PreparedInstall"/> was written to (by reference).</summary>
    private readonly ConditionalWeakTable<PreparedInstall, PartitionSlot> _acquired = [];

    /// <param name="transfer">The transfer; its target must be of type <c>partition</c>.</param>
    /// <param name="diskPathOrNull">The resolved <c>Path=</c>: a whole-disk block device, a GPT image file,
    /// or a directory (the disk backing it is used); null for <c>Path=auto</c> (the disk backing
    /// <c>/usr</c>).</param>
    /// <param name="sync">fsync the payload (GPT writes are always synced).</param>
    /// <param name="warn">Receives one-line warnings (a GPT recovered from its backup copy).</param>
    /// <param name="locator">Finds backing disks; the real <c>/proc</c> and <c>/sys</c> by default.</param>
    /// <param name="readback">Reads each written payload back past the page cache and compares it before the
    /// slot is marked pending (<see cref="Create"/> always passes one unless <c>SYSUPDATE_READBACK=0</c>); null: no read-back.</param>
    /// <param name="faults">Crash tests' seam, told each <see cref="CrashStep"/>; null in the product.</param>
    /// <param name="resumeStore">Resume records of interrupted raw downloads (<see cref="Create"/> passes the one below the
    /// root); null: an interrupted download starts over.</param>
    /// <param name="info">Receives one-line notes (a delta download's fallback or summary).</param>
    public PartitionTarget(Transfer transfer, string? diskPathOrNull, bool sync, Action<string>? warn = null, BlockDeviceLocator? locator = null,
        PayloadReadback? readback = null, IFaultInjector? faults = null, SlotResumeStore? resumeStore = null, Action<string>? info = null)
    {
        _info = info;
        ArgumentNullException.ThrowIfNull(transfer);
        _transfer = transfer;
        _sync = sync;
        _warn = warn;
        _readback = readback;
        _faults = faults;
        _resumeStore = resumeStore;
        _type = transfer.Target.PartitionType ?? GptPartitionTypes.LinuxGeneric;
        _partialType = GptPartitionTypes.DerivePartialType(_type);
        _pendingType = GptPartitionTypes.DerivePendingType(_type);
        _zeroFill = transfer.PartitionZeroFill ?? GptPartitionTypes.ZeroFillByDefault(_type);

        locator ??= new BlockDeviceLocator();
        if (diskPathOrNull is null)
            Location = locator.FindAutoDisk();
        else if (Directory.Exists(diskPathOrNull))
            Location = locator.FindDiskBacking(diskPathOrNull, $"{transfer.DefinitionPath}: Path={transfer.Target.Path}");
        else
            Location = diskPathOrNull;
    }

    public ResourceType Type => ResourceType.Partition;

    /// <summary>The disk: block device or image file.</summary>
    public string Location { get; }

    /// <summary>
    /// Builds the target for a transfer as <c>sysupdate</c> runs it: <c>Path=auto</c> and device nodes are
    /// refused under <c>--root</c> (EPERM), other paths are taken below the root.
    /// </summary>
    /// <remarks>Read-back (<see cref="PayloadReadback"/>) is on unless the environment says <c>SYSUPDATE_READBACK=0</c>
    /// (any of systemd's false spellings); its one line per payload goes to <paramref name="info"/>.</remarks>
    public static PartitionTarget Create(Transfer transfer, SysUpdateOptions options, ResourcePathResolver resolver, Action<string>? warn = null,
        Action<string>? info = null)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resolver);
        bool readbackOff = options.Environment(ReadbackVariable) is { } value && ConfigValues.TryParseBoolean(value, out bool on) && !on;
        PayloadReadback? readback = readbackOff ? null : new PayloadReadback(info);
        bool underRoot = options.Root != "/";
        if (transfer.Target.PathAuto)
        {
            if (underRoot)
                throw new SysUpdateException($"{transfer.DefinitionPath}: Path=auto (block device discovery) is not allowed when using --root=.") { Errno = Errno.EPERM };
            return new PartitionTarget(transfer, null, options.Sync, warn, readback: readback, faults: options.Faults,
                resumeStore: new SlotResumeStore(options.Root), info: info);
        }

        string path = resolver.Resolve(transfer, transfer.Target);
        if (underRoot && BlockDeviceLocator.IsBlockDevice(path))
            throw new SysUpdateException($"{transfer.DefinitionPath}: {path}: access to device nodes is prohibited when using --root=.") { Errno = Errno.EPERM };
        return new PartitionTarget(transfer, path, options.Sync, warn, readback: readback, faults: options.Faults,
            resumeStore: new SlotResumeStore(options.Root), info: info);
    }

    public Task<TargetInventory> DiscoverAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var disk = OpenDisk(writable: false);
        if (disk.RecoveryMessage is { } recovery)
            _warn?.Invoke(recovery);
        if (disk.LayoutWarning is { } layout)
            _warn?.Invoke(layout);

        var instances = new List<Instance>();
        int empty = 0;
        foreach (var partition in disk.Partitions)
        {
            bool partial = partition.Type == _partialType;
            bool pending = partition.Type == _pendingType;
            if (!partial && !pending && partition.Type != _type)
                continue;
            if (partition.Name == EmptyLabel)
            {
                empty++;
                continue;
            }
            if (MatchPatterns.MatchAny(_transfer.Target.Patterns, partition.Name, out var metadata) is not (PatternMatch.Yes or PatternMatch.YesAndRetry))
                continue;

            ulong flags = partition.Attributes;
            metadata = metadata with
            {
                PartitionUuid = metadata.PartitionUuid ?? partition.Uuid,
                PartitionFlags = metadata.PartitionFlags ?? flags,
                NoAuto = metadata.NoAuto ?? (GptPartitionTypes.SupportsNoAuto(_type) ? (flags & GptPartitionTypes.FlagNoAuto) != 0 : null),
                ReadOnly = metadata.ReadOnly ?? (GptPartitionTypes.SupportsReadOnly(_type) ? (flags & GptPartitionTypes.FlagReadOnly) != 0 : null),
                GrowFileSystem = metadata.GrowFileSystem
                    ?? (GptPartitionTypes.SupportsGrowFileSystem(_type) ? (flags & GptPartitionTypes.FlagGrowFileSystem) != 0 : null),
            };
            instances.Add(new Instance(InstancePath(partition.DeviceNode), metadata, partial, pending) { Partition = ToSlot(partition) });
        }
        return Task.FromResult(new TargetInventory(InstanceOrder.NewestFirst(instances), empty));
    }

    public PreparedInstall Prepare(InstanceMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return new PreparedInstall { PartitionLabel = FormatLabel(metadata), ReadOnly = metadata.ReadOnly };
    }

    public PreparedInstall PrepareFromPending(Instance pending, InstanceMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(metadata);
        var slot = pending.Partition ?? throw new InvalidOperationException($"{pending.Path} is not a partition instance.");
        return new PreparedInstall { PartitionLabel = FormatLabel(metadata), ReadOnly = metadata.ReadOnly, Slot = slot };
    }

    /// <summary>Partition targets leave no temporary files; interrupted slots are partial instances.</summary>
    public void RemoveTemporary()
    {
    }

    /// <summary>Frees the slot: label <c>_empty</c>, and the configured type again if it was partial or
    /// pending. The contents stay.</summary>
    public Task RemoveInstanceAsync(Instance instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        cancellationToken.ThrowIfCancellationRequested();
        var slot = instance.Partition ?? throw new InvalidOperationException($"{instance.Path} is not a partition instance.");
        Guid expected = instance.IsPartial ? _partialType : instance.IsPending ? _pendingType : _type;
        ChangeSlot(slot, expected, slot.Label, p => p with { Name = EmptyLabel, Type = _type }, CrashStep.VacuumBetweenTableWrites);
        return Task.CompletedTask;
    }

    public async Task AcquireAsync(PreparedInstall prepared, Instance source, ISourceResource sourceResource, InstanceMetadata metadata,
        Action<PayloadProgress>? onProgress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sourceResource);
        ArgumentNullException.ThrowIfNull(metadata);
        string label = prepared.PartitionLabel ?? throw new InvalidOperationException("Prepare() was not called for this install.");
        cancellationToken.ThrowIfCancellationRequested();

        var resume = _resumeStore is null ? null : new SlotResume(_resumeStore, Location, source, sourceResource);
        PartitionSlot? slot = null;
        using (var delta = await DeltaDownload.TryPrepareAsync(source, sourceResource, SlotSeeds, resuming: false, DeltaDownload.MaxFetchShare(_transfer.Source),
                   Note, cancellationToken).ConfigureAwait(false))
        {
            if (delta is not null)
            {
                slot = ClaimSlot(label, delta.Index.TotalLength, resume?.Recorded?.Slot.Partition);
                _faults?.Reached(CrashStep.AfterMarkPartial);
                if (await TryWriteDeltaAsync(delta, slot, label, onProgress, cancellationToken).ConfigureAwait(false))
                {
                    // The slot now holds the whole image: a raw download's record for it has nothing left to continue.
                    resume?.Continue(slot);
                    MarkPending(prepared, slot, label, metadata, resume);
                    return;
                }
            }
        }
        bool claimedForDelta = slot is not null;

        var written = _readback is null ? null : new SegmentedDigest();
        long length;
        try
        {
            // A raw download an earlier run left in a slot continues there: claim that slot first, if it is still free.
            long offset = 0;
            if (slot is not null)
            {
                // The delta download stopped midway in this slot; it wrote the image's own bytes, so a raw record's prefix still holds.
                offset = resume?.Continue(slot) ?? 0;
            }
            else if (resume?.Recorded is { } recorded)
            {
                slot = ClaimSlot(label, recorded.Length, recorded.Slot.Partition);
                offset = resume.Continue(slot);
            }
            await using var payload = await sourceResource.OpenAsync(source, offset, resume?.Validator, cancellationToken).ConfigureAwait(false);
            if (payload.Offset != offset)
            {
                resume!.StartOver();
                offset = 0;
            }
            using var handle = OpenForPayload();
            Action<long>? report = onProgress is null ? null : n => onProgress(new PayloadProgress(n, payload.TotalLength));
            await using var reader = offset > 0
                ? await PayloadReader.OpenResumedAsync(payload.Stream, handle, slot!.StartBytes, offset, source.Path, source.Metadata.Sha256, report, written,
                    cancellationToken).ConfigureAwait(false)
                : await PayloadReader.OpenAsync(payload.Stream, source.Path, source.Metadata.Sha256, report, cancellationToken).ConfigureAwait(false);

            // The size the slot must hold: @s when the source names it; for an uncompressed payload of known
            // length, that length; a compressed one can only be measured by writing it (bounded by the slot).
            long? needed = metadata.Size is { } size ? (long)Math.Min(size, long.MaxValue)
                : reader.Format == CompressionFormat.None && payload.TotalLength is { } total ? total
                : null;

            if (slot is null)
            {
                slot = ClaimSlot(label, needed);
                resume?.Continue(slot);
            }
            if (!claimedForDelta)
                _faults?.Reached(CrashStep.AfterMarkPartial);

            using (var direct = TryOpenDirectForPayload())
            {
                Stream decoded = _faults?.WrapPayload(reader.Decoded, needed) ?? reader.Decoded;
                length = resume is not null && resume.Checkpoints(reader.Format)
                    ? await resume.CopyAsync(decoded, handle, direct, slot, offset, payload, SlotName(slot), written, cancellationToken).ConfigureAwait(false)
                    : await BoundedWriter.CopyAsync(decoded, handle, slot.StartBytes, slot.SizeBytes, SlotName(slot), _sync, cancellationToken, direct, written)
                        .ConfigureAwait(false);
            }
            await reader.VerifyAsync(cancellationToken).ConfigureAwait(false);
            if (_zeroFill)
                await ZeroRestAsync(slot, length, cancellationToken).ConfigureAwait(false);
            if (_readback is not null)
                await _readback.VerifyAsync(new WrittenRange(Location, SlotName(slot), slot.StartBytes, length), written!, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TransportException or PayloadWriteException or ZeroFillException
            or ReadbackMismatchException)
        {
            // Cancelled, the download broke off, the device refused the bytes or did not keep them: give the
            // slot back (a hash mismatch instead leaves it partial until vacuum, as upstream). Its resume record
            // survives a cancel or a broken download, so the next run continues there; otherwise it starts over.
            if (slot is not null)
                ReleaseSlot(slot, label);
            if (ex is not (OperationCanceledException or TransportException))
                resume?.Forget();
            else if (ex is TransportException && resume is { KeptBytes: > 0 } && slot is not null)
                throw new SysUpdateException($"{ex.Message}; {resume.KeptBytes} bytes kept in {SlotName(slot)}, the next update resumes from there", ex)
                { Errno = Errno.EPROTO };
            throw;
        }
        catch (Exception) when (resume is not null)
        {
            resume.Forget(); // a hash mismatch or a refused payload: what the slot holds is not worth continuing
            throw;
        }
        MarkPending(prepared, slot, label, metadata, resume);
    }

    /// <summary>The payload is complete and verified: the slot becomes pending, and its resume record (if any) goes.</summary>
    private void MarkPending(PreparedInstall prepared, PartitionSlot slot, string label, InstanceMetadata metadata, SlotResume? resume)
    {
        _faults?.Reached(CrashStep.AfterPayload);
        slot = ChangeSlot(slot, _partialType, label, p => p with
        {
            Type = _pendingType,
            Uuid = metadata.PartitionUuid ?? p.Uuid,
            Attributes = PendingAttributes(p.Attributes, metadata),
        }, CrashStep.MarkPendingBetweenTableWrites);
        resume?.Forget();
        _faults?.Reached(CrashStep.AfterMarkPending);
        _acquired.AddOrUpdate(prepared, slot);
    }

    /// <summary>
    /// Writes a delta download (<see cref="DeltaDownload"/>) into the claimed slot. The slot itself is read first where
    /// each chunk belongs, so what an interrupted run (or an older version in this slot) left there is kept; the
    /// written bytes then get the same zero fill and read-back as a whole download. False (one line said why) when
    /// the chunk store failed midway: the caller downloads the whole image into the same slot.
    /// </summary>
    private async Task<bool> TryWriteDeltaAsync(DeltaDownload delta, PartitionSlot slot, string label, Action<PayloadProgress>? onProgress,
        CancellationToken cancellationToken)
    {
        var written = _readback is null ? null : new SegmentedDigest();
        try
        {
            long length;
            using (var handle = OpenForPayload())
            using (var direct = TryOpenDirectForPayload())
            {
                await using var image = delta.OpenImage(new InPlaceRegion(handle, slot.StartBytes, slot.SizeBytes), onProgress);
                length = await BoundedWriter.CopyAsync(image, handle, slot.StartBytes, slot.SizeBytes, SlotName(slot), _sync, cancellationToken, direct, written)
                    .ConfigureAwait(false);
                // Before the image stream is disposed: its running SHA-256 goes with it.
                delta.Verify(length);
            }
            if (_zeroFill)
                await ZeroRestAsync(slot, length, cancellationToken).ConfigureAwait(false);
            if (_readback is not null)
                await _readback.VerifyAsync(new WrittenRange(Location, SlotName(slot), slot.StartBytes, length), written!, cancellationToken).ConfigureAwait(false);
        }
        catch (DeltaUnavailableException ex)
        {
            Note($"{SlotName(slot)}: delta download stopped, downloading the whole image: {ex.Message}");
            return false;
        }
        catch (Exception ex) when (ex is OperationCanceledException or TransportException or PayloadWriteException or ZeroFillException
            or ReadbackMismatchException)
        {
            // As for a whole download: the slot is given back, its bytes stay, and the next run finds the chunks in place.
            ReleaseSlot(slot, label);
            throw;
        }
        Note(delta.Summary());
        return true;
    }

    /// <summary>The slots holding versions of this transfer (installed first), read up to a little past the new
    /// image's length: where the chunks of a new version most likely are. Free slots are left out, the slot about
    /// to be claimed among them (its bytes are found in place instead).</summary>
    private IEnumerable<ChunkSeed> SlotSeeds(ChunkIndex index)
    {
        List<GptPartition> slots;
        using (var disk = OpenDisk(writable: false))
        {
            slots = disk.Partitions
                .Where(p => p.Name != EmptyLabel && (p.Type == _type || p.Type == _pendingType || p.Type == _partialType))
                .OrderBy(p => p.Type == _type ? 0 : 1)
                .ToList();
        }
        long span = index.TotalLength + (index.TotalLength / 4) + index.MaxChunkSize;
        foreach (var p in slots)
            yield return new ChunkSeed(Location, p.StartBytes, Math.Min(p.SizeBytes, span), p.DeviceNode ?? $"{Location} (partition {p.Number})");
    }

    private void Note(string line) => _info?.Invoke(line);

    /// <summary>
    /// <c>PartitionZeroFill=</c>: zeroes the slot from the end of the payload to the end of the partition, so no tail of
    /// an earlier, longer payload survives (a verity signature's JSON must be followed by zeroes only). Runs while the
    /// slot is still partial, after the payload's hash checked out and before it is marked pending, so an interruption
    /// leaves a partial slot the next vacuum frees; with <c>--sync</c> the zeroes are on stable storage before the table changes.
    /// </summary>
    private async Task ZeroRestAsync(PartitionSlot slot, long payloadLength, CancellationToken cancellationToken)
    {
        long rest = slot.SizeBytes - payloadLength;
        if (rest <= 0)
            return;
        using var handle = OpenForPayload();
        await ZeroFiller.ZeroAsync(handle, slot.StartBytes + payloadLength, rest, SlotName(slot), cancellationToken).ConfigureAwait(false);
        if (!_sync)
            return;
        try
        {
            RandomAccess.FlushToDisk(handle);
        }
        catch (Exception ex) when (PayloadWriteException.IsWriteFailure(ex))
        {
            throw new PayloadWriteException(SlotName(slot), slot.StartBytes + payloadLength, ex);
        }
    }

    private void ReleaseSlot(PartitionSlot slot, string label)
    {
        try
        {
            ChangeSlot(slot, _partialType, label, p => p with { Name = EmptyLabel, Type = _type }, CrashStep.VacuumBetweenTableWrites);
        }
        catch (SysUpdateException ex)
        {
            _warn?.Invoke($"{SlotName(slot)}: could not give the slot back after the interrupted download, the next vacuum will: {ex.Message}");
        }
    }

    public Task<string> InstallAsync(PreparedInstall prepared, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        string label = prepared.PartitionLabel ?? throw new InvalidOperationException("Prepare() was not called for this install.");
        var slot = prepared.Slot ?? (_acquired.TryGetValue(prepared, out var acquired) ? acquired
            : throw new InvalidOperationException("InstallAsync() needs a pending slot: AcquireAsync() or PrepareFromPending() first."));
        cancellationToken.ThrowIfCancellationRequested();

        _faults?.Reached(CrashStep.BeforeCommit);
        slot = ChangeSlot(slot, _pendingType, slot.Label, p => p with { Name = label, Type = _type }, CrashStep.CommitBetweenTableWrites);
        _faults?.Reached(CrashStep.AfterCommit);
        _acquired.Remove(prepared);
        return Task.FromResult(InstancePath(slot.DeviceNode));
    }

    /// <summary>The full attribute word of a pending slot: <c>PartitionFlags=</c>/<c>@f</c> replaces the
    /// word if set; the no-auto, read-only and grow-file-system bits then override it, each only where
    /// the configured type defines that bit.</summary>
    internal ulong PendingAttributes(ulong current, InstanceMetadata metadata)
    {
        ulong flags = metadata.PartitionFlags ?? current;
        if (metadata.NoAuto is { } noAuto && GptPartitionTypes.SupportsNoAuto(_type))
            flags = SetFlag(flags, GptPartitionTypes.FlagNoAuto, noAuto);
        if (metadata.ReadOnly is { } readOnly && GptPartitionTypes.SupportsReadOnly(_type))
            flags = SetFlag(flags, GptPartitionTypes.FlagReadOnly, readOnly);
        if (metadata.GrowFileSystem is { } grow && GptPartitionTypes.SupportsGrowFileSystem(_type))
            flags = SetFlag(flags, GptPartitionTypes.FlagGrowFileSystem, grow);
        return flags;
    }

    private static ulong SetFlag(ulong flags, ulong bit, bool on) => on ? flags | bit : flags & ~bit;

    private string FormatLabel(InstanceMetadata metadata)
    {
        string label = _transfer.Target.Patterns[0].Format(metadata);
        if (!GptPartition.IsValidName(label) || label == EmptyLabel)
            throw new SysUpdateException($"{_transfer.DefinitionPath}: Formatted pattern is not suitable as GPT partition label on {Location}, refusing: {label}")
            { Errno = Errno.EINVAL };
        return label;
    }

    /// <summary>
    /// <c>find_suitable_partition</c> and the first table write, under one lock so no other writer can take
    /// the same slot: among <c>_empty</c> slots of exactly the configured type and at least
    /// <paramref name="needed"/> bytes, the smallest (the first on ties) gets the final label and the
    /// partial type; <paramref name="preferred"/> (the slot an interrupted run of this payload left) wins if it qualifies.
    /// </summary>
    private PartitionSlot ClaimSlot(string label, long? needed, int? preferred = null)
    {
        using var disk = OpenDisk(writable: true);
        GptPartition? best = null;
        foreach (var partition in disk.Partitions)
        {
            if (partition.Type != _type || partition.Name != EmptyLabel)
                continue;
            if (needed is { } n && partition.SizeBytes < n)
                continue;
            if (partition.Number == preferred)
            {
                best = partition;
                break;
            }
            if (best is null || partition.SizeBytes < best.SizeBytes)
                best = partition;
        }
        if (best is null)
        {
            string need = needed is { } n ? $"{n} bytes needed" : "size unknown";
            var free = disk.Partitions.Where(p => p.Type == _type && p.Name == EmptyLabel).Select(p => $"{p.Number}: {p.SizeBytes} bytes").ToList();
            throw new SysUpdateException(
                $"{Location}: No available partition of a suitable size found ({need}; free slots of type {GptPartitionTypes.ToConfigString(_type)}: {(free.Count == 0 ? "none" : string.Join(", ", free))}).")
            { Errno = Errno.ENOSPC };
        }

        _faults?.Reached(CrashStep.BeforeMarkPartial);
        return ToSlot(disk.UpdatePartition(best.Number, p => p with { Name = label, Type = _partialType }, BetweenTableWrites(CrashStep.MarkPartialBetweenTableWrites)));
    }

    /// <summary>Re-reads the table under the lock, checks that the slot is still what this run saw (same
    /// extent, type and label), and writes the change.</summary>
    private PartitionSlot ChangeSlot(PartitionSlot slot, Guid expectedType, string expectedLabel, Func<GptPartition, GptPartition> change, CrashStep tableWrite)
    {
        using var disk = OpenDisk(writable: true);
        var current = disk.FindPartition(slot.Number);
        if (current is null || current.StartBytes != slot.StartBytes || current.SizeBytes != slot.SizeBytes
            || current.Type != expectedType || current.Name != expectedLabel)
        {
            string found = current is null ? "no partition" : $"type {current.Type}, label '{current.Name}'";
            throw new SysUpdateException(
                $"{SlotName(slot)}: partition {slot.Number} changed underneath us (expected type {expectedType}, label '{expectedLabel}'; found {found}), refusing.")
            { Errno = Errno.ESTALE };
        }
        return ToSlot(disk.UpdatePartition(slot.Number, change, BetweenTableWrites(tableWrite)));
    }

    private Action? BetweenTableWrites(CrashStep tableWrite) => _faults is { } faults ? () => faults.Reached(tableWrite) : null;

    private GptDisk OpenDisk(bool writable) => GptDisk.Open(Location, writable);

    /// <summary>A writable handle on the disk for the payload. Plain <c>open(2)</c> without a lock: the
    /// table writes take <c>flock</c> on their own handle, and <see cref="File.OpenHandle"/> would take a
    /// shared one that blocks them.</summary>
    private SafeFileHandle OpenForPayload() =>
        LibC.OpenExpecting(Location, DiskInterop.O_RDWR, FileKind.Regular | FileKind.BlockDevice);

    /// <summary>A second descriptor with <c>O_DIRECT</c>, so whole chunks of the payload skip the page
    /// cache; null where the file system does not offer it (then all writes are buffered).</summary>
    private SafeFileHandle? TryOpenDirectForPayload()
    {
        try
        {
            return LibC.OpenExpecting(Location, DiskInterop.O_RDWR | DiskInterop.O_DIRECT, FileKind.Regular | FileKind.BlockDevice);
        }
        catch (FileOpenException)
        {
            return null;
        }
    }

    private string InstancePath(string? deviceNode) => deviceNode ?? Location;

    private string SlotName(PartitionSlot slot) => slot.DeviceNode ?? $"{Location} (partition {slot.Number})";

    private PartitionSlot ToSlot(GptPartition p) =>
        new(Location, p.Number, p.StartBytes, p.SizeBytes, p.Type, p.Uuid, p.Attributes, p.Name, p.DeviceNode);
}
