using System.Buffers.Binary;
using System.Collections.ObjectModel;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SysUpdate.Core.Disk;

internal sealed partial class GptDisk
{
    private static readonly int[] ImageSectorSizes = [512, 4096];

    private static (bool IsBlockDevice, int SectorSize, ulong TotalSectors) ProbeGeometry(SafeFileHandle handle, string path)
    {
        ulong sizeBytes = 0;
        if (DiskInterop.IoctlUInt64(handle, DiskInterop.BLKGETSIZE64, ref sizeBytes) == 0)
        {
            int sectorSize = 0;
            if (DiskInterop.IoctlInt32(handle, DiskInterop.BLKSSZGET, ref sectorSize) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new SysUpdateException($"{path}: failed to query the logical sector size: {Marshal.GetPInvokeErrorMessage(errno)}.")
                {
                    Errno = ErrnoNames.FromNumber(errno),
                };
            }

            if (sectorSize < GptLayout.MinSectorSize || sectorSize > GptLayout.MaxSectorSize || !int.IsPow2(sectorSize))
            {
                throw new GptFormatException($"{path}: unsupported logical sector size {sectorSize}.");
            }

            return (true, sectorSize, sizeBytes / (ulong)sectorSize);
        }

        // Not a block device (ENOTTY): a disk image file.
        long length = RandomAccess.GetLength(handle);
        int imageSectorSize = DetectImageSectorSize(handle, path, length);
        return (false, imageSectorSize, (ulong)length / (ulong)imageSectorSize);
    }

    /// <summary>The sector size at which a GPT header signature sits: primary first, then the backup.</summary>
    private static int DetectImageSectorSize(SafeFileHandle handle, string path, long length)
    {
        Span<byte> probe = stackalloc byte[GptLayout.HeaderSize];
        foreach (int sectorSize in ImageSectorSizes)
        {
            if (length >= 3L * sectorSize && TryReadExactly(handle, probe, sectorSize) && GptHeader.HasSignature(probe))
            {
                return sectorSize;
            }
        }

        foreach (int sectorSize in ImageSectorSizes)
        {
            long lastLba = (length / sectorSize) - 1;
            if (lastLba >= 2 && TryReadExactly(handle, probe, lastLba * sectorSize) && GptHeader.HasSignature(probe))
            {
                return sectorSize;
            }
        }

        throw NoGptLabel(path);
    }

    private static GptFormatException NoGptLabel(string path) =>
        new($"{path}: no GPT disk label.") { Errno = Errno.EHWPOISON };

    private void CheckProtectiveMbr()
    {
        Span<byte> mbr = stackalloc byte[GptLayout.MbrSize];
        if (!TryReadExactly(_handle, mbr, 0) ||
            BinaryPrimitives.ReadUInt16LittleEndian(mbr[GptLayout.MbrBootSignatureOffset..]) != GptLayout.MbrBootSignature)
        {
            throw NoGptLabel(Path);
        }

        for (int i = 0; i < GptLayout.MbrPartitionRecordCount; i++)
        {
            ReadOnlySpan<byte> record = mbr.Slice(GptLayout.MbrPartitionTableOffset + (i * GptLayout.MbrPartitionRecordSize), GptLayout.MbrPartitionRecordSize);
            if (record[GptLayout.MbrRecordOsTypeOffset] == GptLayout.ProtectiveOsType)
            {
                return;
            }
        }

        throw NoGptLabel(Path);
    }

    private (GptHeader Primary, byte[] Entries, ulong BackupHeaderLba, ulong BackupEntriesLba) ReadTables()
    {
        ulong lastLba = TotalSectors - 1;
        bool primaryOk = TryReadTable(GptLayout.PrimaryHeaderLba, out GptHeader primary, out byte[] primaryEntries, out string primaryProblem, out bool primarySigned);

        ulong backupLba = primaryOk && primary.AlternateLba > primary.LastUsableLba && primary.AlternateLba <= lastLba
            ? primary.AlternateLba
            : lastLba;
        bool backupOk = TryReadTable(backupLba, out GptHeader backup, out byte[] backupEntries, out string backupProblem, out bool backupSigned);

        if (primaryOk)
        {
            ulong entrySectors = (ulong)primary.EntryArraySectors(SectorSize);
            ulong backupEntriesLba = backupOk ? backup.PartitionEntryLba : backupLba - entrySectors;
            if (!backupOk)
            {
                BackupCorrupt = true;
                RecoveryMessage = $"{Path}: backup GPT at LBA {backupLba} is corrupt ({backupProblem}); the next change to the partition table rewrites it.";
            }

            if (backupEntriesLba <= primary.LastUsableLba || backupEntriesLba + entrySectors > backupLba)
            {
                throw new GptFormatException($"{Path}: no room for the backup partition entry array before LBA {backupLba}.");
            }

            return (primary, primaryEntries, backupLba, backupEntriesLba);
        }

        if (backupOk)
        {
            // Rebuild the primary header from the backup: it sits at LBA 1 with its array at LBA 2.
            GptHeader rebuilt = backup with
            {
                MyLba = GptLayout.PrimaryHeaderLba,
                AlternateLba = backupLba,
                PartitionEntryLba = GptLayout.PrimaryEntriesLba,
            };
            if (GptLayout.PrimaryEntriesLba + (ulong)rebuilt.EntryArraySectors(SectorSize) > rebuilt.FirstUsableLba)
            {
                throw new GptFormatException($"{Path}: primary GPT is corrupt ({primaryProblem}) and the backup leaves no room to rebuild it.");
            }

            RecoveredFromBackup = true;
            RecoveryMessage = $"{Path}: primary GPT is corrupt ({primaryProblem}); using the backup at LBA {backupLba}; the next change to the partition table repairs the primary.";
            return (rebuilt, backupEntries, backupLba, backup.PartitionEntryLba);
        }

        if (!primarySigned && !backupSigned)
        {
            throw NoGptLabel(Path);
        }

        throw new GptFormatException($"{Path}: corrupt GPT: primary: {primaryProblem}; backup at LBA {backupLba}: {backupProblem}.")
        {
            Errno = Errno.EBADMSG,
        };
    }

    /// <summary>Reads and validates one header and its entry array (CRCs, caps, entry ranges).</summary>
    private bool TryReadTable(ulong lba, out GptHeader header, out byte[] entries, out string problem, out bool signed)
    {
        entries = [];
        byte[] sector = new byte[SectorSize];
        if (lba >= TotalSectors || !TryReadExactly(_handle, sector, checked((long)lba * SectorSize)))
        {
            header = default;
            signed = false;
            problem = "beyond the end of the disk";
            return false;
        }

        signed = GptHeader.HasSignature(sector);
        if (!GptHeader.TryParse(sector, lba, TotalSectors, SectorSize, out header, out problem))
        {
            return false;
        }

        // Caps were checked by TryParse, so this allocation is bounded.
        byte[] array = new byte[header.EntryArraySectors(SectorSize) * SectorSize];
        if (!TryReadExactly(_handle, array, checked((long)header.PartitionEntryLba * SectorSize)))
        {
            problem = "partition entry array lies beyond the end of the disk";
            return false;
        }

        if (Crc32.HashToUInt32(array.AsSpan(0, header.EntryArrayBytes)) != header.EntriesCrc)
        {
            problem = "partition entry array CRC32 mismatch";
            return false;
        }

        int entrySize = (int)header.EntrySize;
        for (int i = 0; i < header.EntryCount; i++)
        {
            ReadOnlySpan<byte> entry = array.AsSpan(i * entrySize, entrySize);
            if (!GptEntry.IsUsed(entry))
            {
                continue;
            }

            ulong first = BinaryPrimitives.ReadUInt64LittleEndian(entry[GptLayout.EntryStartingLbaOffset..]);
            ulong last = BinaryPrimitives.ReadUInt64LittleEndian(entry[GptLayout.EntryEndingLbaOffset..]);
            // An entry that ends before it starts has no size at all: the copy is corrupt. Entries outside
            // the usable range or overlapping others are valid structure; GptTableCheck reports them.
            if (first > last)
            {
                problem = $"partition {i + 1} ends at LBA {last} before it starts at LBA {first}";
                return false;
            }
        }

        entries = array;
        return true;
    }

    private ReadOnlyCollection<GptPartition> ParsePartitions(GptHeader header, byte[] entries)
    {
        var partitions = new List<GptPartition>();
        int entrySize = (int)header.EntrySize;
        for (int i = 0; i < header.EntryCount; i++)
        {
            ReadOnlySpan<byte> entry = entries.AsSpan(i * entrySize, entrySize);
            if (GptEntry.IsUsed(entry))
            {
                int number = i + 1;
                string? node = DeviceNodeBase is null ? null : PartitionDeviceNode(DeviceNodeBase, number);
                partitions.Add(GptEntry.Read(entry, number, SectorSize, node));
            }
        }

        return partitions.AsReadOnly();
    }

    /// <summary>Positional read of exactly <paramref name="buffer"/>.Length bytes; false at end of file.</summary>
    private static bool TryReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(handle, buffer, offset);
            if (read == 0)
            {
                return false;
            }

            buffer = buffer[read..];
            offset += read;
        }

        return true;
    }
}
