namespace SysUpdate.Integration.Tests.Support;

/// <summary>What a <see cref="DeltaRelease"/> builds and publishes; the defaults are a vendor's usual release.</summary>
internal sealed record DeltaReleaseOptions
{
    /// <summary>Images are named <c>{Name}_{version}.raw</c> (MatchPattern <c>{Name}_@v.raw</c>).</summary>
    public string Name { get; init; } = "usr";

    public long ImageSize { get; init; } = 32 * 1024 * 1024;

    public int Seed { get; init; } = 1;

    /// <summary>The share of v2's bytes that differ from v1's.</summary>
    public double ChangedFraction { get; init; } = 0.05;

    /// <summary>The shortest run of changed bytes.</summary>
    public long MinRegion { get; init; } = DeltaImages.DefaultMinRegion;

    /// <summary>Publish <c>{Name}_{v}.raw</c>.</summary>
    public bool PublishRaw { get; init; } = true;

    /// <summary>Publish <c>{Name}_{v}.raw.zst</c>; its index is still <c>{Name}_{v}.raw.caibx</c>, of the uncompressed image.</summary>
    public bool PublishZstd { get; init; }

    public CasyncDigest Digest { get; init; } = CasyncDigest.Sha512T256;

    public CasyncCompression ChunkCompression { get; init; } = CasyncCompression.Zstd;

    public IndexPublication V2Index { get; init; } = IndexPublication.Published;

    public ChunkCorruption Corruption { get; init; } = ChunkCorruption.None;

    /// <summary>Sign SHA256SUMS as SHA256SUMS.gpg with a throw-away key (public key in <see cref="DeltaRelease.Keyring"/>).</summary>
    public bool Sign { get; init; }
}
