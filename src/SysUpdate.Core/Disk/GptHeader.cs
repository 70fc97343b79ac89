using System.Buffers.Binary;
using System.IO.Hashing;

namespace SysUpdate.Core.Disk;

/// <summary>The fields of one GPT header (primary or backup), as read or as to be written.</summary>
internal readonly record struct GptHeader(
    uint HeaderSize,
    ulong MyLba,
    ulong AlternateLba,
    ulong FirstUsableLba,
    ulong LastUsableLba,
    Guid DiskGuid,
    ulong PartitionEntryLba,
    uint EntryCount,
    uint EntrySize,
    uint EntriesCrc)
{
    /// <summary>Bytes of the entry array (count × size); valid once <see cref="TryParse"/> accepted the header.</summary>
    public int EntryArrayBytes => checked((int)(EntryCount * EntrySize));

    /// <summary>Whole sectors the entry array occupies.</summary>
    public int EntryArraySectors(int sectorSize) => (EntryArrayBytes + sectorSize - 1) / sectorSize;

    /// <summary>True if the sector starts with the "EFI PART" signature (whatever else it holds).</summary>
    public static bool HasSignature(ReadOnlySpan<byte> sector) =>
        sector.Length >= GptLayout.HeaderSize &&
        BinaryPrimitives.ReadUInt64LittleEndian(sector[GptLayout.HeaderSignatureOffset..]) == GptLayout.HeaderSignature;

    /// <summary>
    /// Parses and validates a header sector: signature, revision, header size, header CRC32, its own LBA,
    /// the usable range and the entry count/size caps. The entry array CRC is checked separately, once the
    /// array has been read. Returns false with a one-line reason if anything is off.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> sector, ulong expectedLba, ulong totalSectors, int sectorSize, out GptHeader header, out string problem)
    {
        header = default;
        if (!HasSignature(sector))
        {
            problem = "no \"EFI PART\" signature";
            return false;
        }

        uint revision = BinaryPrimitives.ReadUInt32LittleEndian(sector[GptLayout.HeaderRevisionOffset..]);
        if (revision != GptLayout.HeaderRevision)
        {
            problem = $"unsupported revision 0x{revision:x8}";
            return false;
        }

        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(sector[GptLayout.HeaderSizeOffset..]);
        if (headerSize < GptLayout.HeaderSize || headerSize > sector.Length)
        {
            problem = $"header size {headerSize} out of range";
            return false;
        }

        uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(sector[GptLayout.HeaderCrcOffset..]);
        if (ComputeHeaderCrc(sector[..(int)headerSize]) != storedCrc)
        {
            problem = "header CRC32 mismatch";
            return false;
        }

        header = new GptHeader(
            headerSize,
            MyLba: BinaryPrimitives.ReadUInt64LittleEndian(sector[GptLayout.MyLbaOffset..]),
            AlternateLba: BinaryPrimitives.ReadUInt64LittleEndian(sector[GptLayout.AlternateLbaOffset..]),
            FirstUsableLba: BinaryPrimitives.ReadUInt64LittleEndian(sector[GptLayout.FirstUsableLbaOffset..]),
            LastUsableLba: BinaryPrimitives.ReadUInt64LittleEndian(sector[GptLayout.LastUsableLbaOffset..]),
            DiskGuid: new Guid(sector.Slice(GptLayout.DiskGuidOffset, 16)),
            PartitionEntryLba: BinaryPrimitives.ReadUInt64LittleEndian(sector[GptLayout.PartitionEntryLbaOffset..]),
            EntryCount: BinaryPrimitives.ReadUInt32LittleEndian(sector[GptLayout.NumberOfEntriesOffset..]),
            EntrySize: BinaryPrimitives.ReadUInt32LittleEndian(sector[GptLayout.SizeOfEntryOffset..]),
            EntriesCrc: BinaryPrimitives.ReadUInt32LittleEndian(sector[GptLayout.EntriesCrcOffset..]));

        problem = header.Validate(expectedLba, totalSectors, sectorSize) ?? string.Empty;
        return problem.Length == 0;
    }

    /// <summary>Serializes the header into a zeroed sector and stamps the header CRC32.</summary>
    public void WriteTo(Span<byte> sector)
    {
        sector.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(sector[GptLayout.HeaderSignatureOffset..], GptLayout.HeaderSignature);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[GptLayout.HeaderRevisionOffset..], GptLayout.HeaderRevision);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[GptLayout.HeaderSizeOffset..], HeaderSize);
        BinaryPrimitives.WriteUInt64LittleEndian(sector[GptLayout.MyLbaOffset..], MyLba);
        BinaryPrimitives.WriteUInt64LittleEndian(sector[GptLayout.AlternateLbaOffset..], AlternateLba);
        BinaryPrimitives.WriteUInt64LittleEndian(sector[GptLayout.FirstUsableLbaOffset..], FirstUsableLba);
        BinaryPrimitives.WriteUInt64LittleEndian(sector[GptLayout.LastUsableLbaOffset..], LastUsableLba);
        if (!DiskGuid.TryWriteBytes(sector.Slice(GptLayout.DiskGuidOffset, 16)))
        {
            throw new InvalidOperationException("GUID does not fit its field.");
        }

        BinaryPrimitives.WriteUInt64LittleEndian(sector[GptLayout.PartitionEntryLbaOffset..], PartitionEntryLba);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[GptLayout.NumberOfEntriesOffset..], EntryCount);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[GptLayout.SizeOfEntryOffset..], EntrySize);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[GptLayout.EntriesCrcOffset..], EntriesCrc);
        uint crc = ComputeHeaderCrc(sector[..(int)HeaderSize]);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[GptLayout.HeaderCrcOffset..], crc);
    }

    /// <summary>CRC32 of the header bytes with the CRC field itself taken as zero.</summary>
    private static uint ComputeHeaderCrc(ReadOnlySpan<byte> header)
    {
        Span<byte> copy = stackalloc byte[GptLayout.MaxSectorSize];
        copy = copy[..header.Length];
        header.CopyTo(copy);
        copy.Slice(GptLayout.HeaderCrcOffset, 4).Clear();
        return Crc32.HashToUInt32(copy);
    }

    private string? Validate(ulong expectedLba, ulong totalSectors, int sectorSize)
    {
        if (MyLba != expectedLba)
        {
            return $"header claims LBA {MyLba}, found at LBA {expectedLba}";
        }

        if (EntrySize < GptLayout.MinEntrySize || EntrySize > GptLayout.MaxEntrySize || EntrySize % GptLayout.MinEntrySize != 0)
        {
            return $"partition entry size {EntrySize} unsupported (must be a multiple of {GptLayout.MinEntrySize}, at most {GptLayout.MaxEntrySize})";
        }

        if (EntryCount == 0 || EntryCount > GptLayout.MaxEntryCount || (ulong)EntryCount * EntrySize > GptLayout.MaxEntryArrayBytes)
        {
            return $"partition entry count {EntryCount} out of range";
        }

        ulong lastLba = totalSectors - 1;
        ulong entrySectors = (ulong)EntryArraySectors(sectorSize);
        if (FirstUsableLba > LastUsableLba + 1 || LastUsableLba >= lastLba || FirstUsableLba < 2)
        {
            return $"usable range {FirstUsableLba}..{LastUsableLba} does not fit a disk of {totalSectors} sectors";
        }

        if (PartitionEntryLba < 2 || PartitionEntryLba > lastLba || entrySectors > lastLba - PartitionEntryLba)
        {
            return $"partition entry array at LBA {PartitionEntryLba} does not fit the disk";
        }

        bool arrayBeforeUsable = PartitionEntryLba + entrySectors <= FirstUsableLba;
        bool arrayAfterUsable = PartitionEntryLba > LastUsableLba;
        if (!arrayBeforeUsable && !arrayAfterUsable)
        {
            return $"partition entry array at LBA {PartitionEntryLba} overlaps the usable range";
        }

        if (PartitionEntryLba <= MyLba && MyLba < PartitionEntryLba + entrySectors)
        {
            return "partition entry array overlaps its header";
        }

        return null;
    }
}
