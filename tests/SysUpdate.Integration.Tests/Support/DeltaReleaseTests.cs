using SysUpdate.Integration.Tests.Http;

namespace SysUpdate.Integration.Tests.Support;

/// <summary>The delta release fixture: the change is the share and shape asked for, and casync can restore what it published.</summary>
public sealed class DeltaReleaseTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly TempDirectory _tmp = new("sysupdate-delta-release-");

    public void Dispose() => _tmp.Dispose();

    [Theory]
    [InlineData(32 * MiB, 0.05, 1)]
    [InlineData(64 * MiB, 0.05, 2)]
    [InlineData(1024 * MiB, 0.05, 3)]
    [InlineData(4 * MiB, 0.01, 4)]
    public void PlanRegions_AddUpToTheShareEachAtLeastTheMinimumInsideTheImage(long size, double fraction, int seed)
    {
        var regions = DeltaImages.PlanRegions(size, fraction, DeltaImages.DefaultMinRegion, seed);

        Assert.All(regions, r => Assert.True(r.Length >= DeltaImages.DefaultMinRegion, $"{r} is shorter than 256 KiB"));
        Assert.All(regions.Zip(regions.Skip(1)), p => Assert.True(p.First.End <= p.Second.Offset, $"{p.First} overlaps {p.Second}"));
        Assert.InRange(regions[0].Offset, 0, size);
        Assert.InRange(regions[^1].End, 0, size);
        Assert.InRange(regions.Sum(r => r.Length), Math.Max(DeltaImages.DefaultMinRegion, (long)(size * fraction)), Math.Max(DeltaImages.DefaultMinRegion, (long)(size * fraction)) + DeltaImages.DefaultMinRegion);
    }

    [Fact]
    public void Write_V2DiffersInFivePercentInRunsOfAtLeast256KiB()
    {
        string v1 = _tmp.Combine("v1.raw"), v2 = _tmp.Combine("v2.raw");

        var regions = DeltaImages.Write(v1, v2, 32 * MiB, seed: 7);

        byte[] a = File.ReadAllBytes(v1), b = File.ReadAllBytes(v2);
        Assert.Equal(32 * MiB, a.Length);
        var runs = DifferingRuns(a, b);
        Assert.InRange(runs.Sum(r => r.Length) / (double)a.Length, 0.045, 0.055);
        Assert.All(runs, r => Assert.True(r.Length >= 256 * 1024, $"changed run {r} is shorter than 256 KiB"));
        Assert.Equal(Merge(regions), runs);
        DeltaImages.Write(_tmp.Combine("same.raw"), _tmp.Combine("same2.raw"), 32 * MiB, seed: 7);
        DeltaImages.Write(_tmp.Combine("other.raw"), _tmp.Combine("other2.raw"), 32 * MiB, seed: 8);
        Assert.Equal(b, File.ReadAllBytes(_tmp.Combine("same2.raw")));
        Assert.NotEqual(a, File.ReadAllBytes(_tmp.Combine("other.raw")));
    }

    [ExecutableFact(DeltaRelease.CasyncExecutable)]
    public async Task Build_Default_PublishesImagesIndexesStoreAndManifestCasyncRestoresV2From()
    {
        var release = await DeltaRelease.BuildAsync(_tmp.Path, new DeltaReleaseOptions { ImageSize = 32 * MiB });

        Assert.Equal(["usr_1.raw", "usr_1.raw.caibx", "usr_2.raw", "usr_2.raw.caibx"], ManifestNames(release));
        AssertManifestHashes(release);
        Assert.True(File.Exists(Path.Combine(release.Directory, "usr_2.raw")));
        Assert.NotEmpty(release.V2OnlyChunks);
        Assert.All(release.V2OnlyChunks, c => Assert.Matches(@"^default\.castr/[0-9a-f]{4}/[0-9a-f]{64}\.cacnk$", c));
        Assert.InRange(release.V2OnlyChunkBytes, 1, 32 * MiB / 10); // what the delta update may fetch: ≤ 10 %
        Assert.Equal(release.Sha256(2), await ExtractSha256Async(release, 2));
    }

    [ExecutableFact(DeltaRelease.CasyncExecutable)]
    public async Task Build_ZstdImagesSha256GzipChunks_IndexNamedAfterTheUncompressedImage()
    {
        var release = await DeltaRelease.BuildAsync(_tmp.Path, new DeltaReleaseOptions
        {
            ImageSize = 8 * MiB, PublishRaw = false, PublishZstd = true, Digest = CasyncDigest.Sha256, ChunkCompression = CasyncCompression.Gzip,
        });

        Assert.Equal(["usr_1.raw.caibx", "usr_1.raw.zst", "usr_2.raw.caibx", "usr_2.raw.zst"], ManifestNames(release));
        AssertManifestHashes(release);
        Assert.False(File.Exists(Path.Combine(release.Directory, "usr_2.raw")));
        Assert.Equal([0x1f, 0x8b], File.ReadAllBytes(Path.Combine(release.Directory, release.V2OnlyChunks[0]))[..2]);
        Assert.Equal(release.Sha256(2), await ExtractSha256Async(release, 2));
    }

    [ExecutableFact(DeltaRelease.CasyncExecutable)]
    public async Task Build_XzChunks_StoreHoldsXz()
    {
        var release = await DeltaRelease.BuildAsync(_tmp.Path, new DeltaReleaseOptions { ImageSize = 2 * MiB, ChunkCompression = CasyncCompression.Xz });

        Assert.Equal([0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0], File.ReadAllBytes(Path.Combine(release.Directory, release.V2OnlyChunks[0]))[..6]);
        Assert.Equal(release.Sha256(2), await ExtractSha256Async(release, 2));
    }

    [ExecutableFact(DeltaRelease.CasyncExecutable)]
    public async Task Build_WrongContentChunk_CasyncRefusesToRestoreV2ButV1IsIntact()
    {
        var release = await DeltaRelease.BuildAsync(_tmp.Path, new DeltaReleaseOptions { ImageSize = 8 * MiB, Corruption = ChunkCorruption.WrongContent });

        Assert.Contains(release.CorruptedChunk, release.V2OnlyChunks);
        await ExternalTool.RunAsync("zstd", ["-t", "-q", Path.Combine(release.Directory, release.CorruptedChunk!)]); // still well-formed
        await Assert.ThrowsAsync<InvalidOperationException>(() => ExtractSha256Async(release, 2));
        Assert.Equal(release.Sha256(1), await ExtractSha256Async(release, 1));
    }

    [ExecutableFact(DeltaRelease.CasyncExecutable)]
    public async Task Build_FlippedByteChunk_CasyncRefusesToRestoreV2()
    {
        var release = await DeltaRelease.BuildAsync(_tmp.Path, new DeltaReleaseOptions { ImageSize = 8 * MiB, Corruption = ChunkCorruption.FlippedByte });

        await Assert.ThrowsAsync<InvalidOperationException>(() => ExtractSha256Async(release, 2));
    }

    [ExecutableFact(DeltaRelease.CasyncExecutable)]
    public async Task Build_V2IndexNotListedOrMissing_ManifestAndFilesSayWhatWasAsked()
    {
        var notListed = await DeltaRelease.BuildAsync(_tmp.Dir("a"), new DeltaReleaseOptions { ImageSize = 4 * MiB, V2Index = IndexPublication.NotListed });
        var missing = await DeltaRelease.BuildAsync(_tmp.Dir("b"), new DeltaReleaseOptions { ImageSize = 4 * MiB, V2Index = IndexPublication.ListedButMissing });

        Assert.Equal(["usr_1.raw", "usr_1.raw.caibx", "usr_2.raw"], ManifestNames(notListed));
        Assert.False(File.Exists(Path.Combine(notListed.Directory, "usr_2.raw.caibx")));
        Assert.Equal(["usr_1.raw", "usr_1.raw.caibx", "usr_2.raw", "usr_2.raw.caibx"], ManifestNames(missing));
        Assert.False(File.Exists(Path.Combine(missing.Directory, "usr_2.raw.caibx")));
    }

    [ExecutableFact(DeltaRelease.CasyncExecutable, "/usr/bin/gpg", "/usr/bin/gpgv")]
    public async Task Build_Signed_SignatureVerifiesWithTheKeyring()
    {
        var release = await DeltaRelease.BuildAsync(_tmp.Path, new DeltaReleaseOptions { ImageSize = 4 * MiB, Sign = true });

        await ExternalTool.RunAsync("gpgv", ["--keyring", release.Keyring!, release.ManifestPath + ".gpg", release.ManifestPath]);
        await release.WriteManifestAsync(IndexPublication.NotListed);
        await ExternalTool.RunAsync("gpgv", ["--keyring", release.Keyring!, release.ManifestPath + ".gpg", release.ManifestPath]);
        Assert.DoesNotContain("usr_2.raw.caibx", ManifestNames(release));
    }

    private static List<string> ManifestNames(DeltaRelease release) =>
        File.ReadAllLines(release.ManifestPath).Select(l => l.Split(" *", 2)[1]).Order(StringComparer.Ordinal).ToList();

    private static void AssertManifestHashes(DeltaRelease release)
    {
        foreach (string line in File.ReadAllLines(release.ManifestPath))
        {
            var (hash, name) = (line.Split(" *", 2)[0], line.Split(" *", 2)[1]);
            using var file = File.OpenRead(Path.Combine(release.Directory, name));
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file)), hash);
        }
    }

    private async Task<string> ExtractSha256Async(DeltaRelease release, int version)
    {
        string output = _tmp.Combine($"extracted-{version}-{Guid.NewGuid():N}.raw");
        await ExternalTool.RunAsync(DeltaRelease.CasyncExecutable,
            [$"--store={release.StoreDirectory}", "extract", Path.Combine(release.Directory, release.IndexName(version)), output]);
        using var file = File.OpenRead(output);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file));
    }

    private static List<ChangedRegion> DifferingRuns(byte[] a, byte[] b)
    {
        var runs = new List<ChangedRegion>();
        for (int i = 0; i < a.Length;)
        {
            if (a[i] == b[i])
            {
                i++;
                continue;
            }
            int start = i;
            while (i < a.Length && a[i] != b[i])
                i++;
            runs.Add(new ChangedRegion(start, i - start));
        }
        return runs;
    }

    private static List<ChangedRegion> Merge(IReadOnlyList<ChangedRegion> regions)
    {
        var merged = new List<ChangedRegion>();
        foreach (var r in regions)
        {
            if (merged.Count > 0 && merged[^1].End == r.Offset)
                merged[^1] = new ChangedRegion(merged[^1].Offset, merged[^1].Length + r.Length);
            else
                merged.Add(r);
        }
        return merged;
    }
}
