using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Compression;
using SysUpdate.Core.Config;
using SysUpdate.Core.Instances;
using SysUpdate.Core.Pipeline;
using SysUpdate.Core.Sources;

namespace SysUpdate.Core.Targets;

/// <summary>
/// The resume bookkeeping of one acquisition into a partition slot. A raw payload from a URL with a known SHA-256 is
/// written with checkpoints (<see cref="CheckpointedWriter"/>), each recorded in <see cref="SlotResumeStore"/>; the
/// record outlives a cancel, a broken connection or SIGKILL, and the next acquisition of the same payload claims that
/// slot again and continues after the recorded bytes. Any other write into a slot first drops the slot's record, so a
/// record never describes bytes that were overwritten since.
/// </summary>
internal sealed class SlotResume
{
    private readonly SlotResumeStore _store;
    private readonly string _disk;
    private readonly string _url;
    private readonly string? _sha256;
    private SlotIdentity? _slot;
    private SlotResumeRecord? _continued;

    public SlotResume(SlotResumeStore store, string disk, Instance source, ISourceResource sourceResource)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sourceResource);
        _store = store;
        _disk = store.DiskName(disk);
        _url = source.Path;
        _sha256 = sourceResource.Type == ResourceType.UrlFile ? source.Metadata.Sha256 : null;
        Recorded = _sha256 is null ? null : store.Find(_disk, _url, _sha256);
    }

    /// <summary>Where an earlier run left this payload: the slot to claim if it is still free.</summary>
    public SlotResumeRecord? Recorded { get; }

    /// <summary>The validator to send with <c>If-Range</c> when continuing.</summary>
    public string? Validator => _continued?.Validator;

    /// <summary>Payload bytes in the slot on stable storage and on record (0: nothing would be continued).</summary>
    public long KeptBytes { get; private set; }

    /// <summary>Whether this payload is written with checkpoints: raw (the bytes written are the bytes published) from a URL
    /// with a known SHA-256. A compressed payload could only continue from a point its decoder can restart at.</summary>
    public bool Checkpoints(CompressionFormat format) => _sha256 is not null && format == CompressionFormat.None;

    /// <summary>After the claim: how many payload bytes the slot already holds (its record's), or 0, with any record of
    /// the slot that does not describe this payload dropped before a byte is written.</summary>
    public long Continue(PartitionSlot slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var identity = IdentityOf(slot);
        _slot = identity;
        var record = _store.Load(identity);
        if (record is not null && _sha256 is not null && record.Describes(identity, _url, _sha256) && record.Bytes > 0)
        {
            _continued = record;
            KeptBytes = record.Bytes;
            return record.Bytes;
        }
        _store.Delete(identity);
        return 0;
    }

    /// <summary>The server sent the whole payload instead of the rest (it changed, or ignores ranges): the record goes, and
    /// the payload is written from its start.</summary>
    public void StartOver()
    {
        _continued = null;
        KeptBytes = 0;
        Forget();
    }

    /// <summary>Writes the rest of the payload (from <paramref name="offset"/>) with a checkpoint recorded per window.</summary>
    public Task<long> CopyAsync(Stream decoded, SafeFileHandle handle, SafeFileHandle? direct, PartitionSlot slot, long offset, PublishedPayload payload,
        string destination, SegmentedDigest? digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slot);
        ArgumentNullException.ThrowIfNull(payload);
        var template = new SlotResumeRecord(_slot ?? IdentityOf(slot), _url, _sha256!, payload.Validator, payload.TotalLength, offset);
        return CheckpointedWriter.CopyAsync(decoded, handle, direct, slot.StartBytes, slot.SizeBytes, offset, CheckpointedWriter.IntervalFor(payload.TotalLength),
            destination, digest, (bytes, _) =>
            {
                if (_store.Save(template with { Bytes = bytes }))
                    KeptBytes = bytes;
                return ValueTask.CompletedTask;
            }, cancellationToken);
    }

    /// <summary>Drops the slot's record: the payload is complete, or its bytes are not worth continuing (a hash mismatch,
    /// a device that did not keep them).</summary>
    public void Forget()
    {
        if (_slot is { } slot)
            _store.Delete(slot);
    }

    private SlotIdentity IdentityOf(PartitionSlot slot) => new(_disk, slot.Number, slot.Uuid, slot.StartBytes, slot.SizeBytes);
}
