namespace SysUpdate.Core.Delta;

/// <summary>One chunk of an image: where it starts, how long it is and its digest.</summary>
/// <param name="Offset">Start of the chunk in the image (or the seed file it was found in).</param>
internal readonly record struct ChunkIndexEntry(long Offset, int Length, ChunkId Id)
{
    public long End => Offset + Length;
}
