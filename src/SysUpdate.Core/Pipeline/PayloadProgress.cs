namespace SysUpdate.Core.Pipeline;

/// <summary>How far one payload's download has come.</summary>
/// <param name="Done">Bytes done: of the payload as published, or for a delta download of the image assembled.</param>
/// <param name="Total">The matching total, when known.</param>
/// <param name="Fetched">Delta downloads: image bytes fetched from the chunk store so far; null otherwise.</param>
/// <param name="Reused">Delta downloads: image bytes taken from local copies so far; null otherwise.</param>
internal readonly record struct PayloadProgress(long Done, long? Total, long? Fetched = null, long? Reused = null);
