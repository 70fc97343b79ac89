using System.Security.Cryptography;
using System.Text;
using SysUpdate.Integration.Tests.Http;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Delta;

/// <summary>
/// When the delta is impossible — no index, an index that is missing or not one, a store answering 500, a chunk
/// that does not match its ID — the update downloads the whole image instead, says why in one line, and ends with
/// exactly v2's bytes installed and v1 left alone. When the whole image is bad too, the update fails in one line
/// and nothing is lost.
/// </summary>
public sealed class DeltaFallbackTests
{
    private const long MiB = 1024 * 1024;
    private const string IndexNotUsable = ": chunk index not usable, downloading the whole image: ";
    private const string DeltaStopped = ": delta download stopped, downloading the whole image: ";

    [ExecutableFact(NginxServer.Executable, DeltaRelease.CasyncExecutable)]
    public async Task Update_IndexNotListed_WholeImage()
    {
        await using var bench = await FileDeltaBench.StartAsync(new DeltaReleaseOptions { ImageSize = 16 * MiB, Seed = 11, V2Index = IndexPublication.NotListed });

        var (run, requests) = await UpdateToV2WithWholeImageAsync(bench);

        Assert.DoesNotContain(requests, r => r.Path == "/" + bench.Release.IndexName(2));
        // v1's index is listed, so the publisher makes deltas: that v2 has none is worth the one line.
        AssertOneFallbackLine(run, bench.ImageUrl(2) + ": the manifest lists chunk indexes but not " + bench.Release.IndexName(2));
    }

    [ExecutableFact(NginxServer.Executable, DeltaRelease.CasyncExecutable)]
    public async Task Update_IndexListedButMissing_OneLineAndWholeImage()
    {
        await using var bench = await FileDeltaBench.StartAsync(new DeltaReleaseOptions { ImageSize = 16 * MiB, Seed = 12, V2Index = IndexPublication.ListedButMissing });

        var (run, requests) = await UpdateToV2WithWholeImageAsync(bench);

        Assert.Contains(requests, r => r.Path == "/" + bench.Release.IndexName(2) && r.Status == 404);
        AssertOneFallbackLine(run, bench.ImageUrl(2) + IndexNotUsable);
    }

    [ExecutableFact(NginxServer.Executable, DeltaRelease.CasyncExecutable)]
    public async Task Update_IndexIsRandomBytesListedWithTheirHash_OneLineAndWholeImage()
    {
        await using var bench = await FileDeltaBench.StartAsync(new DeltaReleaseOptions { ImageSize = 16 * MiB, Seed = 13 });
        var release = bench.Release;
        byte[] garbage = RandomNumberGenerator.GetBytes(4096);
        File.WriteAllBytes(Path.Combine(release.Directory, release.IndexName(2)), garbage);
        ReplaceManifestHash(release, release.IndexName(2), garbage);

        var (run, requests) = await UpdateToV2WithWholeImageAsync(bench);

        Assert.Contains(requests, r => r.Path == "/" + release.IndexName(2) && r.Status == 200);
        AssertOneFallbackLine(run, bench.ImageUrl(2) + IndexNotUsable);
    }

    [ExecutableFact(NginxServer.Executable, DeltaRelease.CasyncExecutable)]
    public async Task Update_StoreAnswers500_OneLineAndWholeImage()
    {
        await using var bench = await FileDeltaBench.StartAsync(new DeltaReleaseOptions { ImageSize = 16 * MiB, Seed = 14 },
            nginx: new NginxOptions { FailingPrefixes = ["/" + DeltaRelease.StoreName + "/"] });

        var (run, requests) = await UpdateToV2WithWholeImageAsync(bench);

        Assert.Contains(requests, r => r.Path.StartsWith("/" + DeltaRelease.StoreName + "/", StringComparison.Ordinal) && r.Status == 500);
        AssertOneFallbackLine(run, DeltaStopped);
    }

    [ExecutableTheory(NginxServer.Executable, DeltaRelease.CasyncExecutable, "/usr/bin/zstd")]
    [InlineData("wrong-content")]
    [InlineData("flipped-byte")]
    public async Task Update_CorruptedChunk_NeverReachesTheTargetWholeImageInstead(string corruption)
    {
        await using var bench = await FileDeltaBench.StartAsync(new DeltaReleaseOptions
        {
            ImageSize = 16 * MiB, Seed = 15, Corruption = corruption == "wrong-content" ? ChunkCorruption.WrongContent : ChunkCorruption.FlippedByte,
        });

        var (run, requests) = await UpdateToV2WithWholeImageAsync(bench);

        Assert.Contains(requests, r => r.Path == "/" + bench.Release.CorruptedChunk && r.Status == 200);
        AssertOneFallbackLine(run, DeltaStopped);
        Assert.Empty(Directory.EnumerateFileSystemEntries(bench.Images, ".sysupdate.*"));
    }

    [ExecutableFact(NginxServer.Executable, DeltaRelease.CasyncExecutable, "/usr/bin/zstd")]
    public async Task Update_CorruptedChunkAndCorruptedImage_OneLineErrorNothingLost()
    {
        await using var bench = await FileDeltaBench.StartAsync(new DeltaReleaseOptions { ImageSize = 16 * MiB, Seed = 16, Corruption = ChunkCorruption.WrongContent });
        var release = bench.Release;
        bench.WriteTransfer();
        await bench.InstallV1Async();
        var v1 = FileIdentity.Of(bench.Installed(1));
        // After SHA256SUMS was written: the server now has garbage of the right size under v2's name.
        File.WriteAllBytes(release.V2Image, RandomNumberGenerator.GetBytes((int)release.Options.ImageSize));
        int before = (await bench.RequestsAsync()).Count;

        var run = await bench.SysUpdate.WithEnvironment("SYSTEMD_LOG_LEVEL", "warning").RunAsync("--root=" + bench.Root, "update");

        Assert.NotEqual(0, run.ExitCode);
        string error = Assert.Single(run.ErrorLines);
        Assert.Contains(bench.ImageUrl(2), error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.StandardError, StringComparison.Ordinal);
        Assert.Equal(v1, FileIdentity.Of(bench.Installed(1)));
        Assert.Equal(release.Sha256(1), FileDeltaBench.Sha256(bench.Installed(1)));
        Assert.False(File.Exists(bench.Installed(2)));
        foreach (string entry in Directory.EnumerateFileSystemEntries(bench.Images, ".sysupdate.partial.*"))
            Assert.Equal((UnixFileMode)0, File.GetUnixFileMode(entry) & (UnixFileMode.OtherRead | UnixFileMode.GroupRead));
        var requests = await bench.RequestsAfterAsync(before);
        Assert.Contains(requests, r => r.Path == "/" + release.CorruptedChunk);
        Assert.Contains(requests, r => r.Path == "/" + release.ImageName(2) && r.Status == 200);
    }

    /// <summary>
    /// systemd's TEST-72 publishes random bytes named <c>linux-vN.erofs.caibx</c> as an ordinary payload of a
    /// transfer of its own. That transfer installs them as a file; the <c>linux-v@v.erofs</c> transfer beside it
    /// sees an index in the manifest, finds it is not one, and downloads the image whole.
    /// </summary>
    [ExecutableFact(NginxServer.Executable)]
    public async Task Update_Test72RandomCaibxPayload_BothTransfersInstallTheErofsOneSaysIndexNotUsable()
    {
        using var tmp = new TempDirectory("sysupdate-deltafallback-");
        string www = tmp.Dir("www"), root = tmp.Dir("root"), definitions = tmp.Dir("root", "etc", "sysupdate.d");
        byte[] erofs = RandomNumberGenerator.GetBytes(1024 * 1024), caibx = RandomNumberGenerator.GetBytes(8192);
        File.WriteAllBytes(Path.Combine(www, "linux-v3.erofs"), erofs);
        File.WriteAllBytes(Path.Combine(www, "linux-v3.erofs.caibx"), caibx);
        File.WriteAllText(Path.Combine(www, "SHA256SUMS"),
            $"{Convert.ToHexStringLower(SHA256.HashData(erofs))} *linux-v3.erofs\n{Convert.ToHexStringLower(SHA256.HashData(caibx))} *linux-v3.erofs.caibx\n");
        await using var server = await NginxServer.StartAsync(www);
        foreach (var (file, pattern) in new[] { ("10-erofs.transfer", "linux-v@v.erofs"), ("20-caibx.transfer", "linux-v@v.erofs.caibx") })
        {
            File.WriteAllText(Path.Combine(definitions, file), $"""
                [Transfer]
                Verify=no

                [Source]
                Type=url-file
                Path={server.BaseUrl}
                MatchPattern={pattern}

                [Target]
                Type=regular-file
                Path=/var/lib/erofs
                MatchPattern={pattern}
                """);
        }

        var run = (await new SysUpdateProcess()
            .WithEnvironment("SYSTEMD_LOG_LEVEL", "info")
            .WithEnvironment("SYSUPDATE_CACHE_DIRECTORY", tmp.Dir("cache"))
            .WithEnvironment("SYSTEMD_SYSUPDATE_NO_VERIFY", null)
            .WithEnvironment("http_proxy", null)
            .RunAsync("--root=" + root, "update")).ShouldExit(0);

        Assert.Equal(erofs, File.ReadAllBytes(Path.Combine(root, "var/lib/erofs/linux-v3.erofs")));
        Assert.Equal(caibx, File.ReadAllBytes(Path.Combine(root, "var/lib/erofs/linux-v3.erofs.caibx")));
        AssertOneFallbackLine(run, server.BaseUrl + "/linux-v3.erofs" + IndexNotUsable);
        var requests = await server.RequestsAsync();
        Assert.Single(requests, r => r.Path == "/linux-v3.erofs" && r.BodyBytesSent == erofs.Length);
        Assert.Contains(requests, r => r.Path == "/linux-v3.erofs.caibx" && r.BodyBytesSent == caibx.Length);
        Assert.DoesNotContain(requests, r => r.Path == "/linux-v3.erofs.caibx.caibx");
    }

    /// <summary>
    /// Installs v1, then updates to v2, which must come as the whole image (served once, in full); v2's bytes
    /// installed, v1 left alone, nothing left over. Returns the update's run and the requests it made.
    /// </summary>
    private static async Task<(ProcessResult Run, List<NginxRequest> Requests)> UpdateToV2WithWholeImageAsync(FileDeltaBench bench)
    {
        var release = bench.Release;
        bench.WriteTransfer();
        await bench.InstallV1Async();
        var v1 = FileIdentity.Of(bench.Installed(1));
        int before = (await bench.RequestsAsync()).Count;

        var run = (await bench.RunAsync("update")).ShouldExit(0);

        Assert.Equal(release.Sha256(2), FileDeltaBench.Sha256(bench.Installed(2)));
        Assert.Equal(v1, FileIdentity.Of(bench.Installed(1)));
        var requests = await bench.RequestsAfterAsync(before);
        var image = Assert.Single(requests, r => r.Path == "/" + release.ImageName(2));
        Assert.Equal((200, release.Options.ImageSize), (image.Status, image.BodyBytesSent));
        Assert.Empty(FileDeltaBench.LinesWith(run, ": assembled from "));
        return (run, requests);
    }

    private static void AssertOneFallbackLine(ProcessResult run, string expected)
    {
        var lines = run.ErrorLines.Where(l => l.Contains("downloading the whole image", StringComparison.Ordinal)
                                              || l.Contains("downloading it whole", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 1 && lines[0].Contains(expected, StringComparison.Ordinal),
            $"expected one fallback line containing '{expected}'\n{run}");
    }

    /// <summary>Lists <paramref name="name"/> in SHA256SUMS with the hash of <paramref name="content"/>.</summary>
    private static void ReplaceManifestHash(DeltaRelease release, string name, byte[] content)
    {
        var lines = File.ReadAllLines(release.ManifestPath)
            .Select(l => l.EndsWith(" *" + name, StringComparison.Ordinal) ? $"{Convert.ToHexStringLower(SHA256.HashData(content))} *{name}" : l);
        File.WriteAllText(release.ManifestPath, string.Join('\n', lines) + "\n", Encoding.ASCII);
    }
}
