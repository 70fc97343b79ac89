using Xunit.Abstractions;
using System.IO.Compression;
using System.Security.Cryptography;
using SysUpdate.Integration.Tests.Faults.Support;
using SysUpdate.Integration.Tests.Http;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>
/// An update of a raw image from a URL into a partition slot that is interrupted — SIGKILL from outside, the server
/// closing the connection mid-body — continues on the next plain <c>update</c> with Range and If-Range from the bytes
/// the slot holds on record, instead of downloading the image again. A server whose copy changed, and a compressed
/// image, start over; every path ends with the published bytes in the slot. v1 is installed in slot 1 first, so v2
/// goes to the other slot, as an A/B update does.
/// </summary>
public sealed class PartitionResumeTests(ITestOutputHelper output)
{
    private const int ImageSize = 32 * 1024 * 1024;
    private const int KilledImageSize = 192 * 1024 * 1024;

    /// <summary>Slow enough that a run is visibly mid-download for seconds, fast enough for two runs per test.</summary>
    private const long BytesPerSecond = 8 * 1024 * 1024;

    [Fact]
    public async Task Update_KilledHalfwayIntoPartition_NextUpdateResumesWithRangeAndFetchesAtMost110Percent()
    {
        // Larger than the other cases: what the server had sent but the killed run had not yet written (socket buffers,
        // the 8 MiB read-ahead, the last window) is a fixed amount that must stay well inside the 10 % allowance
        // (13.6 MiB was seen once on the 2-core machine, more than 10 % of the 128 MiB this case used before).
        const int ImageSize = KilledImageSize;
        await using var bench = await InstalledV1Async(KilledImageSize);
        byte[] image = RandomNumberGenerator.GetBytes(ImageSize);
        var served = bench.Publish("usr-v2.raw", image);
        served.BytesPerSecond = 2 * BytesPerSecond;

        ProcessResult killed;
        using (var run = bench.Start("update"))
        {
            if (!await run.WaitUntilAsync(() => bench.BytesSent("usr-v2.raw") >= ImageSize / 2))
                Assert.Fail($"the update ended before half of the image was served\n{await run.WaitForExitAsync()}");
            run.Kill();
            killed = await run.WaitForExitAsync();
            Assert.True(run.KilledWhileRunning, $"the update ended on its own\n{killed}");
        }
        Assert.Single(bench.ResumeRecords());

        var next = await bench.RunAsync("update");
        next.ShouldExit(0);

        bench.AssertInstalled("usr_v2", image, $"after SIGKILL and a plain update\n{next}");
        var requests = bench.Requests("usr-v2.raw");
        Assert.Equal(2, requests.Count);
        Assert.True(string.IsNullOrEmpty(requests[0].Range), $"the first run asked for Range {requests[0].Range}");
        var resumed = requests[1];
        long kept = ImageSize - resumed.BytesSent;
        Assert.Equal($"bytes={kept}-", resumed.Range);
        Assert.Equal(served.ETag, resumed.IfRange);
        Assert.Equal(206, resumed.Status);
        long total = requests.Sum(r => r.BytesSent);
        output.WriteLine($"SIGKILL: first run {requests[0].BytesSent} bytes, {kept} kept, second run {resumed.BytesSent}: {total} of {ImageSize} ({100.0 * total / ImageSize:F1} %)");
        Assert.True(total <= ImageSize * 1.10, $"the two runs fetched {total} bytes of a {ImageSize}-byte image (first {requests[0].BytesSent}, kept {kept})");
        Assert.Empty(bench.ResumeFiles());
    }

    [Fact]
    public async Task Update_ConnectionClosedHalfwayIntoPartition_FailsWithOneLineAndNextUpdateResumes()
    {
        await using var bench = await InstalledV1Async();
        byte[] image = RandomNumberGenerator.GetBytes(ImageSize);
        var served = bench.Publish("usr-v2.raw", image);
        served.CutAfterBytes = ImageSize / 2;
        served.CutTimes = 1;

        var first = await bench.RunAsync("update");
        HttpBench.AssertOneLineError(first, bench.SourceUrl + "/usr-v2.raw", "bytes kept", "the next update resumes");
        RunAssert.NoStackTrace(first, "network drop");
        using (var gpt = SysUpdate.Core.Disk.GptDisk.Open(bench.Disk, writable: false))
            Assert.Equal(["_empty", "usr_v1"], gpt.Partitions.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Single(bench.ResumeRecords());

        (await bench.RunAsync("update")).ShouldExit(0);

        bench.AssertInstalled("usr_v2", image, "after the network drop and a plain update");
        var requests = bench.Requests("usr-v2.raw");
        Assert.Equal(2, requests.Count);
        var resumed = requests[1];
        Assert.StartsWith("bytes=", resumed.Range);
        Assert.Equal(served.ETag, resumed.IfRange);
        Assert.Equal(206, resumed.Status);
        long total = requests.Sum(r => r.BytesSent);
        output.WriteLine($"network drop: first run {requests[0].BytesSent} bytes, second run {resumed.BytesSent} ({resumed.Range}): {total} of {ImageSize} ({100.0 * total / ImageSize:F1} %)");
        Assert.True(total <= ImageSize * 1.10, $"the two runs fetched {total} bytes of a {ImageSize}-byte image");
        Assert.Empty(bench.ResumeFiles());
    }

    [Fact]
    public async Task Update_ServerCopyRetaggedBetweenRuns_IfRangeFailsAndTheSlotIsWrittenFromTheStart()
    {
        await using var bench = await InstalledV1Async();
        byte[] image = RandomNumberGenerator.GetBytes(ImageSize);
        var served = bench.Publish("usr-v2.raw", image);
        served.CutAfterBytes = ImageSize / 2;
        served.CutTimes = 1;
        HttpBench.AssertOneLineError(await bench.RunAsync("update"), bench.SourceUrl + "/usr-v2.raw", "bytes kept");
        string oldTag = served.ETag;
        served.ETag = "\"re-synced\"";

        (await bench.RunAsync("update")).ShouldExit(0);

        bench.AssertInstalled("usr_v2", image, "after the server's copy changed its ETag");
        var second = bench.Requests("usr-v2.raw")[1];
        Assert.Equal(oldTag, second.IfRange);
        Assert.Equal(200, second.Status);
        Assert.Equal(ImageSize, second.BytesSent);
        Assert.Empty(bench.ResumeFiles());
    }

    [Fact]
    public async Task Update_ImageReplacedOnServerBetweenRuns_StartsOverWithoutRangeAndInstallsTheNewBytes()
    {
        await using var bench = await InstalledV1Async();
        byte[] v1 = bench.V1;
        var served = bench.Publish("usr-v2.raw", RandomNumberGenerator.GetBytes(ImageSize));
        served.CutAfterBytes = ImageSize / 2;
        served.CutTimes = 1;
        HttpBench.AssertOneLineError(await bench.RunAsync("update"), bench.SourceUrl + "/usr-v2.raw", "bytes kept");

        byte[] rebuilt = RandomNumberGenerator.GetBytes(ImageSize);
        bench.RepublishManifest(("usr-v1.raw", v1), ("usr-v2.raw", rebuilt));
        (await bench.RunAsync("update")).ShouldExit(0);

        bench.AssertInstalled("usr_v2", rebuilt, "after the image was rebuilt under the same name");
        var second = bench.Requests("usr-v2.raw")[1];
        Assert.True(string.IsNullOrEmpty(second.Range), $"a different SHA-256 must not be continued, asked for Range {second.Range}");
        Assert.Equal(ImageSize, second.BytesSent);
        Assert.Empty(bench.ResumeFiles());
    }

    [Fact]
    public async Task Update_CompressedImageInterrupted_NextUpdateStartsOverAndInstalls()
    {
        await using var bench = await InstalledV1Async();
        byte[] image = RandomNumberGenerator.GetBytes(ImageSize);
        byte[] gzip = Gzip(image);
        var served = bench.Publish("usr-v2.raw.gz", gzip);
        served.CutAfterBytes = gzip.Length / 2;
        served.CutTimes = 1;

        var first = await bench.RunAsync("update");
        HttpBench.AssertOneLineError(first, bench.SourceUrl + "/usr-v2.raw.gz");
        Assert.Empty(bench.ResumeFiles());

        (await bench.RunAsync("update")).ShouldExit(0);

        bench.AssertInstalled("usr_v2", image, "after an interrupted compressed download");
        var requests = bench.Requests("usr-v2.raw.gz");
        Assert.Equal(2, requests.Count);
        Assert.True(string.IsNullOrEmpty(requests[1].Range), $"a compressed image cannot be continued, asked for Range {requests[1].Range}");
        Assert.Equal(200, requests[1].Status);
        Assert.Equal(gzip.Length, requests[1].BytesSent);
    }

    /// <summary>A bench with v1 (1 MiB, served at full speed) installed in slot 1.</summary>
    private static async Task<SlotResumeBench> InstalledV1Async(long imageSize = ImageSize)
    {
        var bench = await SlotResumeBench.StartAsync(imageSize + (8 * SlotResumeBench.MiB));
        try
        {
            bench.Publish("usr-v1.raw", bench.V1);
            (await bench.RunAsync("update")).ShouldExit(0);
            bench.AssertInstalled("usr_v1", bench.V1, "v1 before the test");
            return bench;
        }
        catch
        {
            await bench.DisposeAsync();
            throw;
        }
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(data);
        return output.ToArray();
    }
}
