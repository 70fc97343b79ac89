namespace SysUpdate.Core.Delta;

/// <summary>
/// On-disk layout of a casync index (<c>.caibx</c>/<c>.caidx</c>), as casync's <c>caformat.h</c> and
/// <c>caindex.c</c> write it. Every field is a little-endian u64 unless said otherwise.
/// <code>
/// index header  size=48 | type=INDEX | feature_flags | chunk_size_min | chunk_size_avg | chunk_size_max
/// table header  size=UINT64_MAX | type=TABLE
/// item × n      end offset of the chunk in the image | 32-byte chunk id
/// tail          0 | 0 | offset of the table header (48) | table size (16 + 40 n + 40) | TABLE_TAIL_MARKER
/// </code>
/// </summary>
internal static class CasyncLayout
{
    public const ulong FormatIndex = 0x96824d9c7b129ff9UL;
    public const ulong FormatTable = 0xe75b9e112f17417dUL;
    public const ulong FormatTableTailMarker = 0x4b4f050e5549ecd1UL;

    /// <summary>Feature flag: chunk ids are SHA-512/256 (casync's default); without it, SHA-256.</summary>
    public const ulong FeatureSha512_256 = 0x2000000000000000UL;

    /// <summary>What <c>casync make</c> writes for a blob index by default (exclude-nodump, SHA-512/256, exclude-file).</summary>
    public const ulong DefaultFeatureFlags = 0xb000000000000000UL;

    // ---- Index header ------------------------------------------------------------------------
    public const int HeaderSizeOffset = 0;
    public const int HeaderTypeOffset = HeaderSizeOffset + 8;
    public const int FeatureFlagsOffset = HeaderTypeOffset + 8;
    public const int ChunkSizeMinOffset = FeatureFlagsOffset + 8;
    public const int ChunkSizeAvgOffset = ChunkSizeMinOffset + 8;
    public const int ChunkSizeMaxOffset = ChunkSizeAvgOffset + 8;
    public const int IndexHeaderSize = ChunkSizeMaxOffset + 8;

    // ---- Table -------------------------------------------------------------------------------
    public const int TableHeaderOffset = IndexHeaderSize;
    public const int TableHeaderSize = 16;
    public const int ItemsOffset = TableHeaderOffset + TableHeaderSize;
    public const int ItemEndOffset = 0;
    public const int ItemIdOffset = ItemEndOffset + 8;
    public const int ItemSize = ItemIdOffset + ChunkId.Size;

    // ---- Tail (the size of one item, so a reader stepping by items meets it as a zero offset) ---
    public const int TailZero1Offset = 0;
    public const int TailZero2Offset = TailZero1Offset + 8;
    public const int TailIndexOffsetOffset = TailZero2Offset + 8;
    public const int TailTableSizeOffset = TailIndexOffsetOffset + 8;
    public const int TailMarkerOffset = TailTableSizeOffset + 8;
    public const int TailSize = TailMarkerOffset + 8;

    public const int MinimumFileSize = ItemsOffset + TailSize;

    // ---- Chunker limits (casync's CA_CHUNK_SIZE_LIMIT_MIN/MAX) ----------------------------------
    public const int ChunkSizeLimitMin = 1;
    public const int ChunkSizeLimitMax = 128 * 1024 * 1024;

    /// <summary>
    /// Cap on the number of chunks we accept: 2^22 chunks is 256 GiB at casync's default 64 KiB average
    /// and a 160 MiB index; anything larger is refused before its table is allocated.
    /// </summary>
    public const int MaxChunkCount = 1 << 22;

    /// <summary>Cap on the image an index may describe (16 TiB).</summary>
    public const long MaxImageLength = 1L << 44;
}
