using System.IO.Hashing;
using System.Runtime.InteropServices;
using SysUpdate.Core.Native;

namespace SysUpdate.Core.Disk;

internal sealed partial class GptDisk
{
    /// <summary>
    /// Changes the type, UUID, attributes and/or name of one used entry and writes the table: backup entry
    /// array + backup header, fsync, then primary entry array + primary header, fsync — so a crash leaves
    /// either the old or the new table readable. A primary that was corrupt at open time is repaired.
    /// </summary>
    /// <remarks>
    /// On a block device the kernel is then asked to re-read the partition table (<c>BLKRRPART</c>), as
    /// <c>sfdisk</c> does after writing. While any partition of the disk is mounted or open the kernel
    /// refuses with EBUSY; that is ignored (recorded in <see cref="KernelTableReread"/>): the entry changes
    /// here (labels, types, UUIDs, flags) are not kernel partition geometry, and when this writable handle
    /// is closed udev's inotify watch (IN_CLOSE_WRITE) re-probes the disk and emits change events, which
    /// updates the <c>/dev/disk/by-partlabel</c> and <c>by-partuuid</c> links. systemd-sysupdate itself
    /// (libfdisk's <c>fdisk_write_disklabel</c> under <c>flock</c>) relies on that udev step alone.
    /// </remarks>
    /// <param name="number">1-based entry number of a used entry.</param>
    /// <param name="change">Returns the new entry; only <see cref="GptPartition.Type"/>,
    /// <see cref="GptPartition.Uuid"/>, <see cref="GptPartition.Attributes"/> and
    /// <see cref="GptPartition.Name"/> may differ.</param>
    /// <param name="betweenTableWrites">Called after the backup table is on disk and before the primary is
    /// written (crash tests stop the process there); null in the product.</param>
    /// <returns>The entry as now written.</returns>
    /// <exception cref="InvalidOperationException">The disk was opened read-only.</exception>
    /// <exception cref="ArgumentException">No such used entry, the change touches number or extent, the
    /// type is all zeros, or the name does not fit 36 UTF-16 code units. Nothing has been written.</exception>
    public GptPartition UpdatePartition(int number, Func<GptPartition, GptPartition> change, Action? betweenTableWrites = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(change);
        if (!_writable)
        {
            throw new InvalidOperationException($"{Path} was opened read-only.");
        }

        GptPartition current = FindPartition(number)
            ?? throw new ArgumentException($"{Path}: partition {number} is not in use.", nameof(number));
        GptPartition updated = change(current) ?? throw new ArgumentException("The change returned null.", nameof(change));
        ValidateChange(current, updated);
        updated = updated with { SectorSize = current.SectorSize, DeviceNode = current.DeviceNode };

        byte[] entries = (byte[])_entries.Clone();
        GptEntry.Write(entries.AsSpan((number - 1) * EntrySize, EntrySize), updated);
        GptHeader primary = _primary with { EntriesCrc = Crc32.HashToUInt32(entries.AsSpan(0, _primary.EntryArrayBytes)) };
        GptHeader backup = primary with
        {
            MyLba = _backupHeaderLba,
            AlternateLba = GptLayout.PrimaryHeaderLba,
            PartitionEntryLba = _backupEntriesLba,
        };

        WriteTables(primary, backup, entries, betweenTableWrites);

        _primary = primary;
        _entries = entries;
        Partitions = ParsePartitions(primary, entries);
        if (IsBlockDevice)
        {
            KernelTableReread = TryRereadPartitionTable();
        }

        return updated;
    }

    private void ValidateChange(GptPartition current, GptPartition updated)
    {
        if (updated.Number != current.Number || updated.FirstLba != current.FirstLba || updated.LastLba != current.LastLba)
        {
            throw new ArgumentException($"{Path}: partition {current.Number}: only type, UUID, attributes and name may change, not its number or extent.");
        }

        if (updated.Type == Guid.Empty)
        {
            throw new ArgumentException($"{Path}: partition {current.Number}: the all-zero type GUID would delete the entry.");
        }

        ArgumentNullException.ThrowIfNull(updated.Name);
        if (!GptPartition.IsValidName(updated.Name))
        {
            throw new ArgumentException(
                $"{Path}: partition {current.Number}: name '{updated.Name}' is not a valid GPT partition name ({updated.Name.Length} UTF-16 code units; at most {GptLayout.MaxNameCodeUnits}, no NUL).");
        }
    }

    /// <summary>The one place the two table copies are written, backup first. Keep the two calls adjacent:
    /// a crash between them leaves a new backup and an old (still valid) primary.</summary>
    private void WriteTables(GptHeader primary, GptHeader backup, byte[] entries, Action? betweenTableWrites)
    {
        try
        {
            WriteBackupTable(backup, entries);
            betweenTableWrites?.Invoke();
            WritePrimaryTable(primary, entries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new GptWriteException(Path, ex);
        }
    }

    private void WriteBackupTable(GptHeader backup, byte[] entries) => WriteTable(backup, entries);

    private void WritePrimaryTable(GptHeader primary, byte[] entries) => WriteTable(primary, entries);

    /// <summary>Writes an entry array and its header as whole sectors, then fsyncs.</summary>
    private void WriteTable(GptHeader header, byte[] entries)
    {
        RandomAccess.Write(_handle, entries, checked((long)header.PartitionEntryLba * SectorSize));
        byte[] sector = new byte[SectorSize];
        header.WriteTo(sector);
        RandomAccess.Write(_handle, sector, checked((long)header.MyLba * SectorSize));
        RandomAccess.FlushToDisk(_handle);
    }

    /// <summary>BLKRRPART; true if the kernel re-read the table, false if it refused (EBUSY and the like).</summary>
    private bool TryRereadPartitionTable()
    {
        return LibC.RetryOnInterrupt(() => DiskInterop.IoctlNoArg(_handle, DiskInterop.BLKRRPART, 0)) == 0;
    }
}
