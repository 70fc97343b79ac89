namespace SysUpdate.Integration.Tests.Support;

/// <summary>Whether a <see cref="DeltaRelease"/> publishes the v2 image's casync index.</summary>
internal enum IndexPublication
{
    /// <summary>On the server and listed in SHA256SUMS.</summary>
    Published,

    /// <summary>Neither on the server nor in SHA256SUMS: a release without delta support.</summary>
    NotListed,

    /// <summary>Listed in SHA256SUMS (with the hash of the index casync made) but not on the server (404).</summary>
    ListedButMissing,
}
