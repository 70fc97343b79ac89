namespace SysUpdate.Core.Transport;

/// <summary>
/// A small file (manifest, signature) read whole.
/// </summary>
/// <param name="Url">The URL requested.</param>
/// <param name="Content">The bytes exactly as published.</param>
/// <param name="FromCache">True when the server answered 304 Not Modified and the cached copy was used.</param>
/// <param name="ETag">The entity tag of this content (with quotes, possibly <c>W/</c>), if the server sent one.</param>
/// <param name="LastModified">The Last-Modified time (for file:// the file's mtime), if known.</param>
internal sealed record FetchedFile(
    Uri Url,
    ReadOnlyMemory<byte> Content,
    bool FromCache,
    string? ETag,
    DateTimeOffset? LastModified);
