namespace SysUpdate.Core.Delta;

/// <summary>A verified chunk and how many bytes crossed the wire for it (compressed).</summary>
internal sealed record FetchedChunk(byte[] Data, long WireBytes);
