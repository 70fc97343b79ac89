using Microsoft.Win32.SafeHandles;

namespace SysUpdate.Core.Delta;

/// <summary>The region the image is being written to, read before it is overwritten: chunks an interrupted run
/// (or an older version in the same slot) left at their own offsets are kept instead of fetched. Fetched chunks are
/// written into it as they arrive, for the next run should this one be interrupted.</summary>
/// <param name="Handle">Readable and writable handle on the target file or disk.</param>
/// <param name="Offset">Where the image starts in it (the slot's start on a disk, 0 in a file).</param>
/// <param name="Length">How many bytes of it may be read: chunks past the end are not looked for.</param>
internal sealed record InPlaceRegion(SafeFileHandle Handle, long Offset, long Length);
