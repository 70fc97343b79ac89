using System.Buffers.Binary;

namespace SysUpdate.Core.Delta;

/// <summary>The 32-byte digest of a chunk's uncompressed data, as casync names it in indexes and stores.</summary>
internal readonly struct ChunkId : IEquatable<ChunkId>
{
    public const int Size = 32;

    // Four words rather than an array: a value with cheap equality and no allocation per chunk.
    private readonly ulong _w0;
    private readonly ulong _w1;
    private readonly ulong _w2;
    private readonly ulong _w3;

    private ChunkId(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        _w0 = w0;
        _w1 = w1;
        _w2 = w2;
        _w3 = w3;
    }

    public static ChunkId FromBytes(ReadOnlySpan<byte> bytes32)
    {
        if (bytes32.Length != Size)
            throw new ArgumentException($"a chunk id is {Size} bytes, got {bytes32.Length}", nameof(bytes32));
        return new ChunkId(
            BinaryPrimitives.ReadUInt64BigEndian(bytes32),
            BinaryPrimitives.ReadUInt64BigEndian(bytes32[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes32[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes32[24..]));
    }

    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length < Size)
            throw new ArgumentException($"a chunk id needs {Size} bytes", nameof(destination));
        BinaryPrimitives.WriteUInt64BigEndian(destination, _w0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _w1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _w2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _w3);
    }

    /// <summary>Lowercase hex, 64 characters: the chunk's file name in a store without <c>.cacnk</c>.</summary>
    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[Size];
        CopyTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    public override string ToString() => ToHex();

    public bool Equals(ChunkId other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    public override bool Equals(object? obj) => obj is ChunkId other && Equals(other);

    // Ids come from an index, not only from our own hashing: HashCode's per-process seed keeps a crafted
    // index from piling its ids into one bucket.
    public override int GetHashCode() => HashCode.Combine(_w0, _w1, _w2, _w3);

    public static bool operator ==(ChunkId left, ChunkId right) => left.Equals(right);

    public static bool operator !=(ChunkId left, ChunkId right) => !left.Equals(right);
}
