namespace SysUpdate.Integration.Tests.Support;

/// <summary>The chunk ID digest <c>casync make --digest=</c> writes into an index.</summary>
internal enum CasyncDigest
{
    /// <summary>SHA-512/256, casync's default.</summary>
    Sha512T256,
    Sha256,
}
