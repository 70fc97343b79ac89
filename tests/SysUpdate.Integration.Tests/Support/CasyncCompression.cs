namespace SysUpdate.Integration.Tests.Support;

/// <summary>How <c>casync make --compression=</c> compresses each chunk file of the store.</summary>
internal enum CasyncCompression
{
    /// <summary>casync's default.</summary>
    Zstd,
    Xz,
    Gzip,
}
