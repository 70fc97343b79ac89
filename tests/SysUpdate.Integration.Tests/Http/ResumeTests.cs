using SysUpdate.Core.Pipeline;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// The server cuts the connection halfway through the image. A raw url-file download into a file
/// target keeps what it got and the next run continues with Range/If-Range; a compressed one cannot
/// (the bytes written are decoded, not the published ones) and starts over — both end byte-identical.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class ResumeTests(HttpImages images)
{
    private const string Target = "/var/lib/images";

    [Fact]
    public async Task Update_RawDownloadCutHalfway_NextRunResumesWithRangeAndIfRange()
    {
        await using var bench = await SetUpAsync("");
        var image = bench.Publish("usr-v1.raw");
        long size = image.Content.Length;
        image.CutAfterBytes = size / 2;
        image.CutTimes = 1;
        string target = bench.InRoot(Target);
        string final = Path.Combine(target, "usr_v1.raw");

        var first = await bench.RunAsync("update");
        HttpBench.AssertOneLineError(first, bench.SourceUrl + "/usr-v1.raw", "bytes kept");
        Assert.False(File.Exists(final));
        long kept = new FileInfo(ResumeState.DataPath(final)).Length;
        Assert.True(kept > 0 && kept <= size / 2, $"kept {kept} of {size} bytes, {bench.Requests("usr-v1.raw")[0].BytesSent} sent\n{first}");
        Assert.True(File.Exists(ResumeState.StatePath(final)));

        (await bench.RunAsync("update")).ShouldExit(0);

        var requests = bench.Requests("usr-v1.raw");
        Assert.Equal(2, requests.Count);
        Assert.True(string.IsNullOrEmpty(requests[0].Range), $"first request had Range: {requests[0].Range}");
        var second = requests[1];
        Assert.Equal($"bytes={kept}-", second.Range);
        Assert.Equal(image.ETag, second.IfRange);
        Assert.Equal(206, second.Status);
        Assert.Equal(size - kept, second.BytesSent);
        Assert.True(second.BytesSent < size * 0.6, $"second run fetched {second.BytesSent} of {size} bytes");
        Assert.Equal(images.Sha256("usr-v1.raw"), HttpBench.Sha256(File.ReadAllBytes(final)));
        Assert.Equal(["usr_v1.raw"], Payloads.Names(target));
    }

    [Fact]
    public async Task Update_ZstdDownloadCutHalfway_RestartsFromZeroBecauseResumeIsRawOnly()
    {
        await using var bench = await SetUpAsync(".zst");
        var image = bench.Publish("usr-v1.raw.zst");
        long size = image.Content.Length;
        image.CutAfterBytes = size / 2;
        image.CutTimes = 1;
        string target = bench.InRoot(Target);
        string final = Path.Combine(target, "usr_v1.raw");

        HttpBench.AssertOneLineError(await bench.RunAsync("update"), bench.SourceUrl + "/usr-v1.raw.zst");
        Assert.False(File.Exists(final));
        Assert.False(File.Exists(ResumeState.StatePath(final)));

        (await bench.RunAsync("update")).ShouldExit(0);

        var requests = bench.Requests("usr-v1.raw.zst");
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.True(string.IsNullOrEmpty(r.Range), $"request had Range: {r.Range}"));
        Assert.Equal(200, requests[1].Status);
        Assert.Equal(size, requests[1].BytesSent);
        Assert.Equal(images.Sha256("usr-v1.raw"), HttpBench.Sha256(File.ReadAllBytes(final)));
        Assert.Equal(["usr_v1.raw"], Payloads.Names(target));
    }

    [Fact]
    public async Task Update_PartitionDownloadCutHalfway_SlotGivenBackAndNextRunInstalls()
    {
        await using var bench = await HttpBench.StartAsync(images);
        var (disk, usrType) = bench.CreateUsrDisk();
        bench.WriteTransfer("10-usr.transfer", $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path={bench.SourceUrl}
            MatchPattern=usr-@v.raw

            [Target]
            Type=partition
            Path=/disk.img
            MatchPattern=usr_@v
            MatchPartitionType=usr
            """);
        bench.PublishWithManifest(["usr-v1.raw"]);
        var image = bench.Publish("usr-v1.raw");
        image.CutAfterBytes = image.Content.Length / 2;
        image.CutTimes = 1;

        HttpBench.AssertOneLineError(await bench.RunAsync("update"), bench.SourceUrl + "/usr-v1.raw");
        using (var gpt = SysUpdate.Core.Disk.GptDisk.Open(disk, writable: false))
            Assert.All(gpt.Partitions, p => Assert.True(p.Name == "_empty" && p.Type == usrType, $"slot {p.Number} is '{p.Name}' {p.Type}, not given back"));

        (await bench.RunAsync("update")).ShouldExit(0);
        using (var gpt = SysUpdate.Core.Disk.GptDisk.Open(disk, writable: false))
        {
            var slot = Assert.Single(gpt.Partitions, p => p.Name == "usr_v1");
            Assert.Equal(usrType, slot.Type);
            Assert.Equal(images.Sha256("usr-v1.raw"), HttpBench.Sha256(disk, slot.StartBytes, image.Content.Length));
        }
    }

    private async Task<HttpBench> SetUpAsync(string suffix)
    {
        var bench = await HttpBench.StartAsync(images);
        bench.WriteTransfer("10-usr.transfer", $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path={bench.SourceUrl}
            MatchPattern=usr-@v.raw{suffix}

            [Target]
            Type=regular-file
            Path={Target}
            MatchPattern=usr_@v.raw
            """);
        bench.PublishWithManifest(["usr-v1.raw" + suffix]);
        return bench;
    }
}
