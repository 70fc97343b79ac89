using System.Buffers.Binary;

namespace SysUpdate.Core.Disk;

/// <summary>Reads and writes one partition entry of a GPT entry array.</summary>
internal static class GptEntry
{
    /// <summary>True if the entry's type GUID is not all zeros.</summary>
    public static bool IsUsed(ReadOnlySpan<byte> entry) =>
        entry.Slice(GptLayout.EntryTypeGuidOffset, 16).IndexOfAnyExcept((byte)0) >= 0;

    public static GptPartition Read(ReadOnlySpan<byte> entry, int number, int sectorSize, string? deviceNode)
    {
        ReadOnlySpan<byte> nameBytes = entry.Slice(GptLayout.EntryNameOffset, GptLayout.EntryNameLength);
        Span<char> name = stackalloc char[GptLayout.MaxNameCodeUnits];
        int length = 0;
        while (length < name.Length)
        {
            char c = (char)BinaryPrimitives.ReadUInt16LittleEndian(nameBytes[(length * 2)..]);
            if (c == '\0')
            {
                break;
            }

            name[length++] = c;
        }

        return new GptPartition(
            number,
            Type: new Guid(entry.Slice(GptLayout.EntryTypeGuidOffset, 16)),
            Uuid: new Guid(entry.Slice(GptLayout.EntryUniqueGuidOffset, 16)),
            FirstLba: BinaryPrimitives.ReadUInt64LittleEndian(entry[GptLayout.EntryStartingLbaOffset..]),
            LastLba: BinaryPrimitives.ReadUInt64LittleEndian(entry[GptLayout.EntryEndingLbaOffset..]),
            Attributes: BinaryPrimitives.ReadUInt64LittleEndian(entry[GptLayout.EntryAttributesOffset..]),
            Name: new string(name[..length]))
        {
            SectorSize = sectorSize,
            DeviceNode = deviceNode,
        };
    }

    /// <summary>
    /// Writes the first 128 bytes of an entry. Bytes beyond them (entries larger than 128 bytes) are left
    /// as they were. The name must already be validated with <see cref="GptPartition.IsValidName"/>.
    /// </summary>
    public static void Write(Span<byte> entry, GptPartition partition)
    {
        if (!partition.Type.TryWriteBytes(entry.Slice(GptLayout.EntryTypeGuidOffset, 16)) ||
            !partition.Uuid.TryWriteBytes(entry.Slice(GptLayout.EntryUniqueGuidOffset, 16)))
        {
            throw new InvalidOperationException("GUID does not fit its field.");
        }

        BinaryPrimitives.WriteUInt64LittleEndian(entry[GptLayout.EntryStartingLbaOffset..], partition.FirstLba);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[GptLayout.EntryEndingLbaOffset..], partition.LastLba);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[GptLayout.EntryAttributesOffset..], partition.Attributes);
        Span<byte> nameBytes = entry.Slice(GptLayout.EntryNameOffset, GptLayout.EntryNameLength);
        nameBytes.Clear();
        for (int i = 0; i < partition.Name.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(nameBytes[(i * 2)..], partition.Name[i]);
        }
    }
}
