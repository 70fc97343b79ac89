using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace SysUpdate.Core.Disk;

/// <summary>
/// Creates a fresh GPT disk image file: protective MBR, primary and backup tables, partitions laid out one
/// after another from 1 MiB on, each starting on a 1 MiB boundary (as sfdisk and systemd-repart align).
/// For tests and demos; real disks are partitioned with systemd-repart or sfdisk.
/// </summary>
internal static class GptImageBuilder
{
    public const long Alignment = 1024 * 1024;

    /// <summary>
    /// Writes a new image at <paramref name="path"/> (replacing any file there) of <paramref name="sizeBytes"/>
    /// (rounded down to whole sectors) and returns the partitions as laid out.
    /// </summary>
    /// <exception cref="ArgumentException">Bad sector or entry size, an invalid name, or the partitions don't fit.</exception>
    public static IReadOnlyList<GptPartition> Create(
        string path,
        long sizeBytes,
        IReadOnlyList<GptPartitionSpec> partitions,
        int sectorSize = GptLayout.MinSectorSize,
        Guid? diskGuid = null,
        int entrySize = GptLayout.MinEntrySize,
        int entryCount = GptLayout.DefaultEntryCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(partitions);
        if (sectorSize is not (512 or 1024 or 2048 or 4096))
        {
            throw new ArgumentException($"Unsupported sector size {sectorSize}.", nameof(sectorSize));
        }

        if (entrySize < GptLayout.MinEntrySize || entrySize > GptLayout.MaxEntrySize || entrySize % GptLayout.MinEntrySize != 0)
        {
            throw new ArgumentException($"Entry size {entrySize} must be a multiple of {GptLayout.MinEntrySize} up to {GptLayout.MaxEntrySize}.", nameof(entrySize));
        }

        if (entryCount < partitions.Count || entryCount < 1 || (long)entryCount * entrySize > GptLayout.MaxEntryArrayBytes)
        {
            throw new ArgumentException($"Entry count {entryCount} does not fit {partitions.Count} partitions within the caps.", nameof(entryCount));
        }

        ulong totalSectors = (ulong)(sizeBytes / sectorSize);
        int arrayBytes = entryCount * entrySize;
        ulong entrySectors = (ulong)((arrayBytes + sectorSize - 1) / sectorSize);
        ulong lastLba = totalSectors - 1;
        ulong firstUsable = GptLayout.PrimaryEntriesLba + entrySectors;
        ulong backupEntriesLba = lastLba - entrySectors;
        ulong lastUsable = backupEntriesLba - 1;
        ulong alignSectors = (ulong)(Alignment / sectorSize);
        if (totalSectors < (2 * entrySectors) + 4 || firstUsable > lastUsable)
        {
            throw new ArgumentException($"An image of {sizeBytes} bytes is too small for a GPT.", nameof(sizeBytes));
        }

        byte[] entries = new byte[(int)entrySectors * sectorSize];
        var laidOut = new List<GptPartition>();
        ulong next = AlignUp(firstUsable, alignSectors);
        for (int i = 0; i < partitions.Count; i++)
        {
            GptPartitionSpec spec = partitions[i];
            if (!GptPartition.IsValidName(spec.Name))
            {
                throw new ArgumentException($"Partition name '{spec.Name}' does not fit a GPT entry (at most {GptLayout.MaxNameCodeUnits} UTF-16 code units).", nameof(partitions));
            }

            if (spec.Type == Guid.Empty || spec.SizeBytes <= 0)
            {
                throw new ArgumentException($"Partition {i + 1} needs a non-zero type and a positive size.", nameof(partitions));
            }

            ulong sectors = (ulong)((spec.SizeBytes + sectorSize - 1) / sectorSize);
            ulong first = spec.FirstLba ?? next;
            ulong last = first + sectors - 1;
            if (spec.FirstLba is null && last > lastUsable)
            {
                throw new ArgumentException($"Partition {i + 1} ('{spec.Name}') does not fit an image of {sizeBytes} bytes.", nameof(partitions));
            }

            var partition = new GptPartition(i + 1, spec.Type, spec.Uuid, first, last, spec.Attributes, spec.Name) { SectorSize = sectorSize };
            GptEntry.Write(entries.AsSpan(i * entrySize, entrySize), partition);
            laidOut.Add(partition);
            next = Math.Max(next, AlignUp(last + 1, alignSectors));
        }

        var primary = new GptHeader(
            HeaderSize: GptLayout.HeaderSize,
            MyLba: GptLayout.PrimaryHeaderLba,
            AlternateLba: lastLba,
            FirstUsableLba: firstUsable,
            LastUsableLba: lastUsable,
            DiskGuid: diskGuid ?? Guid.NewGuid(),
            PartitionEntryLba: GptLayout.PrimaryEntriesLba,
            EntryCount: (uint)entryCount,
            EntrySize: (uint)entrySize,
            EntriesCrc: Crc32.HashToUInt32(entries.AsSpan(0, arrayBytes)));
        GptHeader backup = primary with { MyLba = lastLba, AlternateLba = GptLayout.PrimaryHeaderLba, PartitionEntryLba = backupEntriesLba };

        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        RandomAccess.SetLength(handle, (long)totalSectors * sectorSize);
        RandomAccess.Write(handle, BuildProtectiveMbr(sectorSize, totalSectors), 0);
        WriteTable(handle, backup, entries, sectorSize);
        WriteTable(handle, primary, entries, sectorSize);
        RandomAccess.FlushToDisk(handle);
        return laidOut.AsReadOnly();
    }

    private static void WriteTable(SafeFileHandle handle, GptHeader header, byte[] entries, int sectorSize)
    {
        RandomAccess.Write(handle, entries, checked((long)header.PartitionEntryLba * sectorSize));
        byte[] sector = new byte[sectorSize];
        header.WriteTo(sector);
        RandomAccess.Write(handle, sector, checked((long)header.MyLba * sectorSize));
    }

    private static byte[] BuildProtectiveMbr(int sectorSize, ulong totalSectors)
    {
        byte[] sector = new byte[sectorSize];
        Span<byte> record = sector.AsSpan(GptLayout.MbrPartitionTableOffset, GptLayout.MbrPartitionRecordSize);
        record[1] = 0x00; // starting CHS 0/0/2
        record[2] = 0x02;
        record[3] = 0x00;
        record[GptLayout.MbrRecordOsTypeOffset] = GptLayout.ProtectiveOsType;
        record[5] = 0xFF; // ending CHS: as large as it goes
        record[6] = 0xFF;
        record[7] = 0xFF;
        BinaryPrimitives.WriteUInt32LittleEndian(record[GptLayout.MbrRecordStartingLbaOffset..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(record[GptLayout.MbrRecordSizeInLbaOffset..], (uint)Math.Min(totalSectors - 1, uint.MaxValue));
        BinaryPrimitives.WriteUInt16LittleEndian(sector.AsSpan(GptLayout.MbrBootSignatureOffset), GptLayout.MbrBootSignature);
        return sector;
    }

    private static ulong AlignUp(ulong lba, ulong alignment) => (lba + alignment - 1) / alignment * alignment;
}
