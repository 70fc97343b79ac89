using Microsoft.Win32.SafeHandles;

namespace SysUpdate.Core.Delta;

/// <summary>Where a chunk of the new image was found in a seed.</summary>
internal sealed record SeedChunk(SafeFileHandle Handle, long Offset, int Length, string SeedName);
