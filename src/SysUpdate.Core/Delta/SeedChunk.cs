using Microsoft.Win32.SafeHandles;

namespace SysUpdate.Core.Delta;

/// <summary>Where a chunk of the new image was found in a seed, and the XxHash3 of the bytes that hashed to its ID there.</summary>
internal sealed record SeedChunk(SafeFileHandle Handle, long Offset, int Length, ulong Check, string SeedName);
