using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using SysUpdate.Integration.Tests.Http;
using SysUpdate.Integration.Tests.Support;
using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Delta;

/// <summary>
/// Delta downloads into a regular-file target from releases made by <c>casync make</c>: v1 is installed whole,
/// then v2 (5 % changed, in regions of at least 256 KiB) is assembled from v1's chunks plus the few chunks only
/// v2 has, fetched from <c>default.castr/</c> beside SHA256SUMS — counted on the server side from nginx's access
/// log, or over <c>file://</c>. The installed v2 has v2's SHA-256 and v1 is left alone.
/// </summary>
public sealed partial class FileDeltaTests(ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    [ExecutableFact(NginxServer.Executable, DeltaRelease.CasyncExecutable)]
    public async Task Update_NginxRawImageWithIndex_FetchesOnlyV2sOwnChunksAtMostTenPercent()
    {
        await using var bench = await FileDeltaBench.StartAsync(new DeltaReleaseOptions { ImageSize = 32 * MiB });
        var release = bench.Release;
        bench.WriteTransfer();
        await bench.InstallV1Async();
        var v1 = FileIdentity.Of(bench.Installed(1));
        int before = (await bench.RequestsAsync()).Count;

        var run = (await bench.RunAsync("update")).ShouldExit(0);

        Assert.Equal(release.Sha256(2), FileDeltaBench.Sha256(bench.Installed(2)));
        Assert.Equal(v1, FileIdentity.Of(bench.Installed(1)));
        Assert.Equal(release.Sha256(1), FileDeltaBench.Sha256(bench.Installed(1)));
        var requests = await bench.RequestsAfterAsync(before);
        Assert.DoesNotContain(requests, r => r.Path == "/" + release.ImageName(2));
        Assert.Contains(requests, r => r.Path == "/" + release.IndexName(2) && r.Status == 200);
        var chunks = requests.Where(r => r.Path.StartsWith("/" + DeltaRelease.StoreName + "/", StringComparison.Ordinal)).ToList();
        Assert.All(chunks, r => Assert.Equal(200, r.Status));
        Assert.Equal(release.V2OnlyChunks.Select(c => "/" + c), chunks.Select(r => r.Path).Order(StringComparer.Ordinal)); // each once, none of v1's
        long served = requests.Sum(r => r.BodyBytesSent);
        output.WriteLine($"{run}\nserved for v2: {served} bytes of a {release.Options.ImageSize}-byte image; v2's own chunks: {release.V2OnlyChunkBytes} bytes");
        Assert.InRange(served, release.V2OnlyChunkBytes, release.Options.ImageSize / 10);

        var summary = FileDeltaSummary.Single(run, bench.ImageUrl(2));
        Assert.Equal(release.V2OnlyChunks.Count, summary.ChunksFetched);
        Assert.Equal(chunks.Sum(r => r.BodyBytesSent), summary.Transferred);
        Assert.Equal(release.Options.ImageSize, summary.Reused + summary.Fetched);
        Assert.InRange(summary.ReusedPercent, 90, 100);
    }

    [ExecutableFact(DeltaRelease.CasyncExecutable)]
    public async Task Update_FileUrlRawImageWithIndex_AssemblesV2FromV1AndTheStore()
    {
        await using var bench = await FileDeltaBench.StartAsync(new DeltaReleaseOptions { ImageSize = 16 * MiB, Seed = 2 }, overHttp: false);
        var release = bench.Release;
        bench.WriteTransfer();
        await bench.InstallV1Async();
        var v1 = FileIdentity.Of(bench.Installed(1));

        var run = (await bench.RunAsync("update")).ShouldExit(0);

        Assert.Equal(release.Sha256(2), FileDeltaBench.Sha256(bench.Installed(2)));
        Assert.Equal(v1, FileIdentity.Of(bench.Installed(1)));
        var summary = FileDeltaSummary.Single(run, bench.ImageUrl(2));
        Assert.StartsWith("file://" + release.StoreDirectory, summary.Store, StringComparison.Ordinal);
        Assert.Equal(release.V2OnlyChunks.Count, summary.ChunksFetched);
        Assert.Equal(release.V2OnlyChunkBytes, summary.Transferred); // the chunk files as stored, nothing else
        Assert.Equal(release.Options.ImageSize, summary.Reused + summary.Fetched);
        Assert.InRange(summary.Fetched, 1, release.Options.ImageSize / 10);
    }

    [ExecutableFact(NginxServer.Executable, DeltaRelease.CasyncExecutable, "/usr/bin/zstd")]
    public async Task Update_ZstdPublishedImage_IndexOfTheUncompressedImageIsUsed()
    {
        await using var bench = await FileDeltaBench.StartAsync(new DeltaReleaseOptions { ImageSize = 16 * MiB, Seed = 3, PublishRaw = false, PublishZstd = true });
        var release = bench.Release;
        bench.WriteTransfer(zstd: true);
        await bench.InstallV1Async();
        int before = (await bench.RequestsAsync()).Count;

        var run = (await bench.RunAsync("update")).ShouldExit(0);

        Assert.Equal(release.Sha256(2), FileDeltaBench.Sha256(bench.Installed(2)));
        Assert.Equal(release.Sha256(1), FileDeltaBench.Sha256(bench.Installed(1)));
        var requests = await bench.RequestsAfterAsync(before);
        Assert.DoesNotContain(requests, r => r.Path == "/" + release.ImageName(2, zstd: true));
        Assert.Contains(requests, r => r.Path == "/usr_2.raw.caibx" && r.Status == 200);
        Assert.InRange(requests.Sum(r => r.BodyBytesSent), release.V2OnlyChunkBytes, release.Options.ImageSize / 10);
        Assert.Equal(release.V2OnlyChunks.Count, FileDeltaSummary.Single(run, bench.ImageUrl(2, zstd: true)).ChunksFetched);
    }

    [ExecutableTheory(NginxServer.Executable, DeltaRelease.CasyncExecutable)]
    [InlineData("xz")]
    [InlineData("gzip")]
    public async Task Update_Sha256DigestWithXzOrGzipChunks_ChunksSniffedAndVerified(string chunkCompression)
    {
        var compression = chunkCompression == "xz" ? CasyncCompression.Xz : CasyncCompression.Gzip;
        await using var bench = await FileDeltaBench.StartAsync(new DeltaReleaseOptions
        {
            ImageSize = 8 * MiB, Seed = 4, Digest = CasyncDigest.Sha256, ChunkCompression = compression,
        });
        var release = bench.Release;
        bench.WriteTransfer();
        await bench.InstallV1Async();
        int before = (await bench.RequestsAsync()).Count;

        var run = (await bench.RunAsync("update")).ShouldExit(0);

        Assert.Equal(release.Sha256(2), FileDeltaBench.Sha256(bench.Installed(2)));
        var requests = await bench.RequestsAfterAsync(before);
        Assert.DoesNotContain(requests, r => r.Path == "/" + release.ImageName(2));
        Assert.Equal(release.V2OnlyChunks.Select(c => "/" + c),
            requests.Where(r => r.Path.StartsWith("/" + DeltaRelease.StoreName + "/", StringComparison.Ordinal)).Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.Equal(release.V2OnlyChunks.Count, FileDeltaSummary.Single(run, bench.ImageUrl(2)).ChunksFetched);
    }

    [ExecutableFact(NginxServer.Executable, DeltaRelease.CasyncExecutable)]
    public async Task Update_FirstInstallWithDeltaMaxFetch100_AssemblesEveryChunkFromTheStore()
    {
        await using var bench = await FileDeltaBench.StartAsync(new DeltaReleaseOptions { ImageSize = 16 * MiB, Seed = 5 });
        var release = bench.Release;
        bench.WriteTransfer(sourceLines: "DeltaMaxFetch=100%");

        var run = (await bench.RunAsync("update")).ShouldExit(0);

        Assert.Equal(release.Sha256(2), FileDeltaBench.Sha256(bench.Installed(2)));
        Assert.False(File.Exists(bench.Installed(1)));
        var requests = await bench.RequestsAsync();
        Assert.DoesNotContain(requests, r => r.Path == "/" + release.ImageName(2));
        var summary = FileDeltaSummary.Single(run, bench.ImageUrl(2));
        Assert.Equal(0, summary.Reused);
        Assert.Equal(summary.Chunks, summary.ChunksFetched);
        Assert.Equal(release.Options.ImageSize, summary.Fetched);
    }

    [ExecutableFact(NginxServer.Executable, DeltaRelease.CasyncExecutable)]
    public async Task Update_FirstInstallByDefault_DownloadsTheWholeImageAndSaysWhy()
    {
        await using var bench = await FileDeltaBench.StartAsync(new DeltaReleaseOptions { ImageSize = 16 * MiB, Seed = 5 });
        var release = bench.Release;
        bench.WriteTransfer();

        var run = (await bench.RunAsync("update")).ShouldExit(0);

        Assert.Equal(release.Sha256(2), FileDeltaBench.Sha256(bench.Installed(2)));
        var requests = await bench.RequestsAsync();
        Assert.Contains(requests, r => r.Path == "/" + release.ImageName(2) && r.Status == 200 && r.BodyBytesSent == release.Options.ImageSize);
        Assert.DoesNotContain(requests, r => r.Path.StartsWith("/" + DeltaRelease.StoreName + "/", StringComparison.Ordinal));
        Assert.Single(FileDeltaBench.LinesWith(run, bench.ImageUrl(2) + ": local copies hold 0% of the image, downloading it whole"));
        Assert.Empty(FileDeltaBench.LinesWith(run, ": assembled from "));
    }

    [ExecutableFact(NginxServer.Executable, DeltaRelease.CasyncExecutable)]
    public async Task Update_Delta_CliAndNotifyProgressSayFetchedAndReused()
    {
        await using var bench = await FileDeltaBench.StartAsync(new DeltaReleaseOptions { ImageSize = 16 * MiB, Seed = 6 });
        var release = bench.Release;
        bench.WriteTransfer();
        await bench.InstallV1Async();
        using var notify = new NotifySocket(bench.Combine("notify.sock"));

        var run = (await bench.SysUpdate.WithEnvironment("NOTIFY_SOCKET", notify.Path).RunAsync("--root=" + bench.Root, "update")).ShouldExit(0);
        var messages = await notify.MessagesAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(release.Sha256(2), FileDeltaBench.Sha256(bench.Installed(2)));
        var cliLines = run.ErrorLines.Where(l => CliProgress().IsMatch(l)).ToList();
        Assert.True(cliLines.Count > 0, $"no progress line with the fetched/reused split\n{run}");
        var split = messages.Where(m => m.Contains("X_SYSUPDATE_BYTES_FETCHED=", StringComparison.Ordinal)).Select(NotifySplit).ToList();
        Assert.NotEmpty(split);
        Assert.Equal(split.Select(s => s.Fetched).Order().ToList(), split.Select(s => s.Fetched).ToList()); // never goes backwards
        Assert.Equal(split.Select(s => s.Reused).Order().ToList(), split.Select(s => s.Reused).ToList());
        var last = split[^1];
        var summary = FileDeltaSummary.Single(run, bench.ImageUrl(2));
        Assert.InRange(last.Reused, 1, summary.Reused);
        Assert.InRange(last.Fetched, 0, summary.Fetched);
        Assert.Equal(release.Options.ImageSize, summary.Reused + summary.Fetched);
    }

    [ExecutableFact(NginxServer.Executable, DeltaRelease.CasyncExecutable, "/usr/bin/gpg")]
    public async Task Update_SignedRelease_DeltaWithVerificationOn()
    {
        await using var bench = await FileDeltaBench.StartAsync(new DeltaReleaseOptions { ImageSize = 16 * MiB, Seed = 7, Sign = true });
        var release = bench.Release;
        bench.WriteTransfer();
        await bench.InstallV1Async();
        int before = (await bench.RequestsAsync()).Count;

        var run = (await bench.RunAsync("update")).ShouldExit(0);

        Assert.Equal(release.Sha256(2), FileDeltaBench.Sha256(bench.Installed(2)));
        var requests = await bench.RequestsAfterAsync(before);
        Assert.Contains(requests, r => r.Path == "/SHA256SUMS.gpg" && r.Status is 200 or 304);
        Assert.DoesNotContain(requests, r => r.Path == "/" + release.ImageName(2));
        Assert.Equal(release.V2OnlyChunks.Count, FileDeltaSummary.Single(run, bench.ImageUrl(2)).ChunksFetched);
    }

    private static (long Fetched, long Reused) NotifySplit(string message)
    {
        long Field(string name) => long.Parse(
            message.Split('\n').Single(l => l.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..], CultureInfo.InvariantCulture);
        return (Field("X_SYSUPDATE_BYTES_FETCHED"), Field("X_SYSUPDATE_BYTES_REUSED"));
    }

    [GeneratedRegex(@": \d+% \(.*\) \[\S+ fetched, \S+ reused\]$")]
    private static partial Regex CliProgress();
}
