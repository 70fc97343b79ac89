namespace SysUpdate.Core.Transport;

/// <summary>A cached small file with the validators the server gave for it.</summary>
internal sealed record CacheEntry(ReadOnlyMemory<byte> Body, string? ETag, DateTimeOffset? LastModified);
