using System.Diagnostics;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// A server that does not cooperate — missing manifest, 500 forever, headers and then silence, a
/// redirect loop — makes the run fail with one line naming the URL, exit 1 (1 s read timeout, 2 retries
/// 50 ms apart via the SYSUPDATE_HTTP_* overrides; the retries are counted, not timed — how fast a run
/// gives up belongs in the benchmarks); and a server that does cooperate is asked conditionally the second time.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class ServerFailureTests(HttpImages images)
{
    [Fact]
    public async Task Update_ManifestMissing404_OneLineErrorNoRetry()
    {
        await using var bench = await SetUpAsync();

        var result = await bench.RunAsync("update");

        HttpBench.AssertOneLineError(result, bench.ManifestUrl, "404");
        Assert.Equal(404, Assert.Single(bench.Requests("SHA256SUMS")).Status);
    }

    [Fact]
    public async Task Update_Manifest500Always_RetriesThenOneLineError()
    {
        await using var bench = await SetUpAsync();
        var manifest = bench.PublishWithManifest(["uki-v1.efi"]);
        manifest.FailStatus = 500;
        manifest.FailTimes = int.MaxValue;

        var result = await bench.RunAsync("update");

        HttpBench.AssertOneLineError(result, bench.ManifestUrl, "500", "3 attempts");
        Assert.Equal(3, bench.Requests("SHA256SUMS").Count);
        Assert.All(bench.Requests("SHA256SUMS"), r => Assert.Equal(500, r.Status));
        Assert.Empty(bench.PayloadRequests());
    }

    [Theory]
    [InlineData("SHA256SUMS")]
    [InlineData("uki-v1.efi")]
    public async Task Update_ServerSendsHeadersThenStalls_TimesOutWithOneLineError(string stalled)
    {
        await using var bench = await SetUpAsync();
        bench.PublishWithManifest(["uki-v1.efi"]);
        var file = bench.Publish(stalled);
        file.StallAfterBytes = 0;

        var (result, elapsed) = await TimedAsync(bench, "update");

        HttpBench.AssertOneLineError(result, bench.SourceUrl + "/" + stalled, "1 s");
        Assert.All(bench.Requests(stalled), r => Assert.Equal(0, r.BytesSent));
        Assert.DoesNotContain("uki_v1.efi", Payloads.Names(bench.InRoot("/var/lib/uki")));
        Assert.True(elapsed >= TimeSpan.FromSeconds(1), $"gave up after {elapsed}, before the read timeout"); // a lower bound only
    }

    [Fact]
    public async Task Update_RedirectLoop_OneLineErrorNamingTheUrl()
    {
        await using var bench = await SetUpAsync();
        bench.Server.Redirect(HttpBench.ImagesPath + "SHA256SUMS", "/loop/a");
        bench.Server.Redirect("/loop/a", "/loop/b");
        bench.Server.Redirect("/loop/b", HttpBench.ImagesPath + "SHA256SUMS");

        var result = await bench.RunAsync("update");

        HttpBench.AssertOneLineError(result, bench.ManifestUrl, "redirect");
        int hops = bench.Requests("SHA256SUMS").Count + bench.Server.RequestCount("/loop/a") + bench.Server.RequestCount("/loop/b");
        Assert.InRange(hops, 3, 12); // followed around the loop, and then stopped
    }

    [Fact]
    public async Task CheckNew_SecondRun_SendsIfNoneMatchAndGets304()
    {
        await using var bench = await SetUpAsync();
        var manifest = bench.PublishWithManifest(["uki-v1.efi", "uki-v2.efi"]);

        var first = (await bench.RunAsync("check-new")).ShouldExit(0);
        var second = (await bench.RunAsync("check-new")).ShouldExit(0);

        var requests = bench.Requests("SHA256SUMS");
        Assert.Equal(2, requests.Count);
        Assert.True(string.IsNullOrEmpty(requests[0].IfNoneMatch), $"first run sent If-None-Match: {requests[0].IfNoneMatch}");
        Assert.Equal(200, requests[0].Status);
        Assert.Equal(manifest.ETag, requests[1].IfNoneMatch);
        Assert.Equal(304, requests[1].Status);
        Assert.Equal(0, requests[1].BytesSent);
        Assert.Contains("v2", first.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(first.StandardOutput, second.StandardOutput);
    }

    private async Task<HttpBench> SetUpAsync()
    {
        var bench = await HttpBench.StartAsync(images);
        bench.SysUpdate.WithEnvironment("SYSUPDATE_HTTP_READ_TIMEOUT_SEC", "1");
        bench.WriteTransfer("10-uki.transfer", $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path={bench.SourceUrl}
            MatchPattern=uki-@v.efi

            [Target]
            Type=regular-file
            Path=/var/lib/uki
            MatchPattern=uki_@v.efi
            """);
        return bench;
    }

    private static async Task<(ProcessResult Result, TimeSpan Elapsed)> TimedAsync(HttpBench bench, params string[] args)
    {
        var clock = Stopwatch.StartNew();
        var result = await bench.RunAsync(args);
        return (result, clock.Elapsed);
    }
}
