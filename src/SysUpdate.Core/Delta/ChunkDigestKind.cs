namespace SysUpdate.Core.Delta;

/// <summary>
/// The digest that names a casync chunk. casync's default is SHA-512/256, selected by the index's
/// <see cref="CasyncLayout.FeatureSha512_256"/> flag; <c>casync make --digest=sha256</c> clears it.
/// </summary>
internal enum ChunkDigestKind
{
    Sha256,
    Sha512_256,
}
