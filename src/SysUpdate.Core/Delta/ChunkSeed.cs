namespace SysUpdate.Core.Delta;

/// <summary>Local bytes that may hold chunks of the new image: an installed file, a partition slot (its first
/// <paramref name="Length"/> bytes from <paramref name="Offset"/>), or an interrupted run's partial.</summary>
/// <param name="Path">A regular file or block device (for slots of an image file: the image file).</param>
/// <param name="Name">For messages: the file, or the slot's device node.</param>
internal sealed record ChunkSeed(string Path, long Offset, long Length, string Name);
