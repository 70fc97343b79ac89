namespace SysUpdate.Core.Disk;

/// <summary>
/// On-disk layout of a GUID partition table (UEFI 2.10 §5.2–5.3). Every offset is relative to the
/// start of its structure; every multi-byte field is little-endian. GUIDs are stored in the mixed-endian
/// layout that <see cref="Guid(ReadOnlySpan{byte})"/> reads.
/// </summary>
internal static class GptLayout
{
    // ---- Legacy MBR in LBA 0 -------------------------------------------------------------------
    public const int MbrSize = 512;
    public const int MbrPartitionTableOffset = 446;
    public const int MbrPartitionRecordSize = 16;
    public const int MbrPartitionRecordCount = 4;
    public const int MbrRecordOsTypeOffset = 4;
    public const int MbrRecordStartingLbaOffset = 8;
    public const int MbrRecordSizeInLbaOffset = 12;
    public const int MbrBootSignatureOffset = 510;
    public const ushort MbrBootSignature = 0xAA55;
    public const byte ProtectiveOsType = 0xEE;

    // ---- GPT header (LBA 1 and the last LBA) ---------------------------------------------------
    /// <summary>"EFI PART" read as a little-endian 64-bit integer.</summary>
    public const ulong HeaderSignature = 0x5452415020494645UL;
    public const uint HeaderRevision = 0x00010000;
    public const int HeaderSignatureOffset = 0;
    public const int HeaderRevisionOffset = HeaderSignatureOffset + 8;
    public const int HeaderSizeOffset = HeaderRevisionOffset + 4;
    public const int HeaderCrcOffset = HeaderSizeOffset + 4;
    public const int HeaderReservedOffset = HeaderCrcOffset + 4;
    public const int MyLbaOffset = HeaderReservedOffset + 4;
    public const int AlternateLbaOffset = MyLbaOffset + 8;
    public const int FirstUsableLbaOffset = AlternateLbaOffset + 8;
    public const int LastUsableLbaOffset = FirstUsableLbaOffset + 8;
    public const int DiskGuidOffset = LastUsableLbaOffset + 8;
    public const int PartitionEntryLbaOffset = DiskGuidOffset + 16;
    public const int NumberOfEntriesOffset = PartitionEntryLbaOffset + 8;
    public const int SizeOfEntryOffset = NumberOfEntriesOffset + 4;
    public const int EntriesCrcOffset = SizeOfEntryOffset + 4;
    /// <summary>Size of the defined header fields (92 bytes); the rest of the sector is reserved, zero.</summary>
    public const int HeaderSize = EntriesCrcOffset + 4;

    public const ulong PrimaryHeaderLba = 1;
    /// <summary>Where a freshly written primary entry array starts.</summary>
    public const ulong PrimaryEntriesLba = 2;

    // ---- Partition entry ----------------------------------------------------------------------
    public const int EntryTypeGuidOffset = 0;
    public const int EntryUniqueGuidOffset = EntryTypeGuidOffset + 16;
    public const int EntryStartingLbaOffset = EntryUniqueGuidOffset + 16;
    public const int EntryEndingLbaOffset = EntryStartingLbaOffset + 8;
    public const int EntryAttributesOffset = EntryEndingLbaOffset + 8;
    public const int EntryNameOffset = EntryAttributesOffset + 8;
    /// <summary>The partition name: 36 UTF-16LE code units, NUL-padded.</summary>
    public const int EntryNameLength = 72;
    public const int MaxNameCodeUnits = EntryNameLength / 2;
    /// <summary>Minimum (and usual) entry size; larger sizes must be a multiple of it.</summary>
    public const int MinEntrySize = EntryNameOffset + EntryNameLength;

    // ---- Caps checked before anything is allocated ---------------------------------------------
    public const int MaxEntrySize = 4096;
    public const uint MaxEntryCount = 16384;
    public const int MaxEntryArrayBytes = 4 * 1024 * 1024;
    /// <summary>Usual table: 128 entries of 128 bytes (16 KiB, the UEFI minimum).</summary>
    public const int DefaultEntryCount = 128;

    public const int MinSectorSize = 512;
    public const int MaxSectorSize = 4096;
}
