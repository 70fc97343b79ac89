using System.Buffers.Binary;

namespace SysUpdate.Core.Delta;

/// <summary>
/// A casync blob index (<c>.caibx</c>): the chunker parameters an image was cut with and the list of its
/// chunks, as <c>casync make</c> and <c>desync make</c> write it (layout in <see cref="CasyncLayout"/>).
/// </summary>
internal sealed class ChunkIndex
{
    private readonly ChunkIndexEntry[] _chunks;

    private ChunkIndex(ulong featureFlags, int min, int avg, int max, ChunkIndexEntry[] chunks)
    {
        FeatureFlags = featureFlags;
        Digest = (featureFlags & CasyncLayout.FeatureSha512_256) != 0 ? ChunkDigestKind.Sha512_256 : ChunkDigestKind.Sha256;
        MinChunkSize = min;
        AverageChunkSize = avg;
        MaxChunkSize = max;
        _chunks = chunks;
        Chunks = Array.AsReadOnly(chunks);
        TotalLength = chunks.Length == 0 ? 0 : chunks[^1].End;
    }

    public ChunkDigestKind Digest { get; }

    /// <summary>The header's feature flags as written (only <see cref="CasyncLayout.FeatureSha512_256"/> matters for a blob).</summary>
    public ulong FeatureFlags { get; }

    public int MinChunkSize { get; }

    public int AverageChunkSize { get; }

    public int MaxChunkSize { get; }

    public IReadOnlyList<ChunkIndexEntry> Chunks { get; }

    /// <summary>Length of the image the index describes: the end of its last chunk.</summary>
    public long TotalLength { get; }

    /// <summary>A chunker with this index's parameters, whose boundaries are the ones <c>casync make</c> found.</summary>
    public CasyncChunker CreateChunker() => new(MinChunkSize, AverageChunkSize, MaxChunkSize);

    /// <summary>
    /// An index for chunks found by <see cref="CasyncChunker"/> (for example a seed's, kept at install time).
    /// <paramref name="chunks"/> must be contiguous from offset 0.
    /// </summary>
    public static ChunkIndex Create(ChunkDigestKind digest, int min, int avg, int max, IReadOnlyList<ChunkIndexEntry> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (min < 0 || avg < 0 || max < 0 || !ChunkSizesValid((ulong)min, (ulong)avg, (ulong)max))
            throw new ArgumentOutOfRangeException(nameof(min), $"chunk sizes {min}/{avg}/{max} are not 1 <= min <= avg <= max <= 128 MiB");
        var copy = new ChunkIndexEntry[chunks.Count];
        long expectedOffset = 0;
        for (int i = 0; i < copy.Length; i++)
        {
            ChunkIndexEntry entry = chunks[i];
            if (entry.Offset != expectedOffset || entry.Length < 1 || entry.Length > max)
                throw new ArgumentException($"chunk {i} at {entry.Offset}+{entry.Length} does not continue at {expectedOffset} within 1..{max} bytes", nameof(chunks));
            copy[i] = entry;
            expectedOffset = entry.End;
        }

        ulong flags = digest == ChunkDigestKind.Sha512_256
            ? CasyncLayout.DefaultFeatureFlags
            : CasyncLayout.DefaultFeatureFlags & ~CasyncLayout.FeatureSha512_256;
        return new ChunkIndex(flags, min, avg, max, copy);
    }

    /// <summary>Reads an index strictly: every field, the order of the chunks and the tail are checked.</summary>
    /// <param name="origin">File or URL the bytes came from; named in the error.</param>
    /// <exception cref="ChunkIndexFormatException">The bytes are not a well-formed casync blob index.</exception>
    public static ChunkIndex Parse(ReadOnlySpan<byte> data, string origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        if (data.Length < CasyncLayout.MinimumFileSize)
            throw new ChunkIndexFormatException(origin, $"{data.Length} bytes, shorter than the smallest index ({CasyncLayout.MinimumFileSize} bytes)");

        ulong headerSize = ReadU64(data, CasyncLayout.HeaderSizeOffset);
        ulong headerType = ReadU64(data, CasyncLayout.HeaderTypeOffset);
        if (headerType != CasyncLayout.FormatIndex)
            throw new ChunkIndexFormatException(origin, $"object type 0x{headerType:x16} is not CA_FORMAT_INDEX");
        if (headerSize != CasyncLayout.IndexHeaderSize)
            throw new ChunkIndexFormatException(origin, $"index header size {headerSize}, expected {CasyncLayout.IndexHeaderSize}");

        ulong featureFlags = ReadU64(data, CasyncLayout.FeatureFlagsOffset);
        ulong min = ReadU64(data, CasyncLayout.ChunkSizeMinOffset);
        ulong avg = ReadU64(data, CasyncLayout.ChunkSizeAvgOffset);
        ulong max = ReadU64(data, CasyncLayout.ChunkSizeMaxOffset);
        if (!ChunkSizesValid(min, avg, max))
            throw new ChunkIndexFormatException(origin, $"chunk sizes min {min}, avg {avg}, max {max} are not 1 <= min <= avg <= max <= {CasyncLayout.ChunkSizeLimitMax}");

        ulong tableSizeField = ReadU64(data, CasyncLayout.TableHeaderOffset);
        ulong tableType = ReadU64(data, CasyncLayout.TableHeaderOffset + 8);
        if (tableType != CasyncLayout.FormatTable || tableSizeField != ulong.MaxValue)
            throw new ChunkIndexFormatException(origin, $"table header (size 0x{tableSizeField:x}, type 0x{tableType:x16}) is not CA_FORMAT_TABLE of size UINT64_MAX");

        int itemBytes = data.Length - CasyncLayout.ItemsOffset - CasyncLayout.TailSize;
        if (itemBytes % CasyncLayout.ItemSize != 0)
            throw new ChunkIndexFormatException(origin, $"{data.Length} bytes do not end on a table item (truncated, or trailing bytes after the tail)");
        int count = itemBytes / CasyncLayout.ItemSize;
        if (count > CasyncLayout.MaxChunkCount)
            throw new ChunkIndexFormatException(origin, $"{count} chunks, more than the {CasyncLayout.MaxChunkCount} we accept");

        CheckTail(data[^CasyncLayout.TailSize..], data.Length - CasyncLayout.TableHeaderOffset, origin);

        var chunks = new ChunkIndexEntry[count];
        ReadOnlySpan<byte> items = data.Slice(CasyncLayout.ItemsOffset, itemBytes);
        ulong previousEnd = 0;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> item = items.Slice(i * CasyncLayout.ItemSize, CasyncLayout.ItemSize);
            ulong end = ReadU64(item, CasyncLayout.ItemEndOffset);
            if (end <= previousEnd)
                throw new ChunkIndexFormatException(origin, $"chunk {i} ends at {end}, not after the previous chunk's end {previousEnd}");
            ulong length = end - previousEnd;
            if (length > max)
                throw new ChunkIndexFormatException(origin, $"chunk {i} is {length} bytes, larger than the index's maximum chunk size {max}");
            if (length < min && i != count - 1)
                throw new ChunkIndexFormatException(origin, $"chunk {i} is {length} bytes, smaller than the index's minimum chunk size {min} (only the last chunk may be)");
            if (end > CasyncLayout.MaxImageLength)
                throw new ChunkIndexFormatException(origin, $"chunk {i} ends at {end}, beyond the largest image we accept ({CasyncLayout.MaxImageLength} bytes)");
            chunks[i] = new ChunkIndexEntry((long)previousEnd, (int)length, ChunkId.FromBytes(item.Slice(CasyncLayout.ItemIdOffset, ChunkId.Size)));
            previousEnd = end;
        }

        return new ChunkIndex(featureFlags, (int)min, (int)avg, (int)max, chunks);
    }

    /// <summary>The index as casync writes it; <c>Parse(casyncFile).Serialize()</c> gives casync's bytes back.</summary>
    public byte[] Serialize()
    {
        int tableSize = CasyncLayout.TableHeaderSize + (_chunks.Length * CasyncLayout.ItemSize) + CasyncLayout.TailSize;
        var data = new byte[CasyncLayout.TableHeaderOffset + tableSize];
        Span<byte> span = data;
        WriteU64(span, CasyncLayout.HeaderSizeOffset, CasyncLayout.IndexHeaderSize);
        WriteU64(span, CasyncLayout.HeaderTypeOffset, CasyncLayout.FormatIndex);
        WriteU64(span, CasyncLayout.FeatureFlagsOffset, FeatureFlags);
        WriteU64(span, CasyncLayout.ChunkSizeMinOffset, (ulong)MinChunkSize);
        WriteU64(span, CasyncLayout.ChunkSizeAvgOffset, (ulong)AverageChunkSize);
        WriteU64(span, CasyncLayout.ChunkSizeMaxOffset, (ulong)MaxChunkSize);
        WriteU64(span, CasyncLayout.TableHeaderOffset, ulong.MaxValue);
        WriteU64(span, CasyncLayout.TableHeaderOffset + 8, CasyncLayout.FormatTable);

        for (int i = 0; i < _chunks.Length; i++)
        {
            Span<byte> item = span.Slice(CasyncLayout.ItemsOffset + (i * CasyncLayout.ItemSize), CasyncLayout.ItemSize);
            WriteU64(item, CasyncLayout.ItemEndOffset, (ulong)_chunks[i].End);
            _chunks[i].Id.CopyTo(item[CasyncLayout.ItemIdOffset..]);
        }

        Span<byte> tail = span[^CasyncLayout.TailSize..];
        WriteU64(tail, CasyncLayout.TailIndexOffsetOffset, CasyncLayout.TableHeaderOffset);
        WriteU64(tail, CasyncLayout.TailTableSizeOffset, (ulong)tableSize);
        WriteU64(tail, CasyncLayout.TailMarkerOffset, CasyncLayout.FormatTableTailMarker);
        return data;
    }

    private static void CheckTail(ReadOnlySpan<byte> tail, int tableSize, string origin)
    {
        ulong marker = ReadU64(tail, CasyncLayout.TailMarkerOffset);
        if (marker != CasyncLayout.FormatTableTailMarker)
            throw new ChunkIndexFormatException(origin, $"table tail marker 0x{marker:x16} is not CA_FORMAT_TABLE_TAIL_MARKER (truncated or trailing bytes)");
        if (ReadU64(tail, CasyncLayout.TailZero1Offset) != 0 || ReadU64(tail, CasyncLayout.TailZero2Offset) != 0)
            throw new ChunkIndexFormatException(origin, "table tail does not start with two zero words");
        ulong indexOffset = ReadU64(tail, CasyncLayout.TailIndexOffsetOffset);
        if (indexOffset != CasyncLayout.TableHeaderOffset)
            throw new ChunkIndexFormatException(origin, $"table tail points to the index header at {indexOffset}, expected {CasyncLayout.TableHeaderOffset}");
        ulong recordedSize = ReadU64(tail, CasyncLayout.TailTableSizeOffset);
        if (recordedSize != (ulong)tableSize)
            throw new ChunkIndexFormatException(origin, $"table tail records a table of {recordedSize} bytes, the file holds {tableSize}");
    }

    private static bool ChunkSizesValid(ulong min, ulong avg, ulong max) =>
        min >= CasyncLayout.ChunkSizeLimitMin && min <= avg && avg <= max && max <= CasyncLayout.ChunkSizeLimitMax;

    private static ulong ReadU64(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(data[offset..]);

    private static void WriteU64(Span<byte> data, int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(data[offset..], value);
}
