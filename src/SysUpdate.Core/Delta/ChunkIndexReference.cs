namespace SysUpdate.Core.Delta;

/// <summary>
/// Where a version's casync index and chunk store are, as its manifest publishes them.
/// </summary>
/// <param name="IndexUrl">The <c>.caibx</c> file, listed in the same (signed) <c>SHA256SUMS</c> as the image.</param>
/// <param name="IndexSha256">The index's SHA-256 from that manifest: the index is trusted only when it matches.</param>
/// <param name="StoreUrl">The chunk store's base URL, ending in <c>/</c>.</param>
/// <param name="ImageSha256">The manifest's SHA-256 of the image when it is published uncompressed (then the assembled
/// image can be checked against it too); null for a compressed image, whose hash covers other bytes.</param>
internal sealed record ChunkIndexReference(Uri IndexUrl, string IndexSha256, Uri StoreUrl, string? ImageSha256);
