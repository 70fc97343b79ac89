namespace SysUpdate.Core.Delta;

/// <summary>A chunk the fetch lane provided: where in the region it lies, the XxHash3 of its checked bytes, its bytes when
/// they could not be written there, and what the store sent for it (null: it was already in place).</summary>
internal sealed record LaneChunk(long Offset, ulong Check, byte[]? Data, long? WireBytes);
