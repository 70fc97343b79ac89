namespace SysUpdate.Core.Delta;

/// <summary>Why a version with a chunk index is downloaded whole after all.</summary>
internal enum DeltaFallbackReason
{
    /// <summary>The index could not be fetched.</summary>
    IndexUnavailable,

    /// <summary>The index's SHA-256 differs from the manifest's.</summary>
    IndexMismatch,

    /// <summary>The file named like an index is not one.</summary>
    IndexInvalid,

    /// <summary>The local seeds hold too little of the image for chunk-by-chunk fetching to pay off.</summary>
    TooLittleReused,

    /// <summary>The chunk store did not serve a chunk (missing, unreachable, server error).</summary>
    ChunkUnavailable,

    /// <summary>A chunk arrived but did not decode or match its ID, also when fetched again.</summary>
    ChunkInvalid,
}
