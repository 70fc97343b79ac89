namespace SysUpdate.Core.Delta;

/// <summary>A chunk found in a seed: where it is, its ID, and an XxHash3 of the bytes that were hashed to that ID.</summary>
internal readonly record struct SeedPiece(ChunkIndexEntry Entry, ulong Check);
