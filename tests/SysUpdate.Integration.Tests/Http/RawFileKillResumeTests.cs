using System.Security.Cryptography;
using System.Text;
using SysUpdate.Core.Pipeline;
using SysUpdate.Core.Tests.Transport;
using SysUpdate.Integration.Tests.Faults.Support;
using SysUpdate.Integration.Tests.Support;
using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// A raw image downloaded into a file target is written into its resume file from the first byte, with a checkpoint
/// (fsync, then the state file's <c>bytes=</c>) per window: SIGKILL halfway leaves what was checkpointed, and the next
/// plain <c>update</c> asks only for the rest with Range/If-Range.
/// </summary>
public sealed class RawFileKillResumeTests(ITestOutputHelper output) : IDisposable
{
    private const int ImageSize = 32 * 1024 * 1024;
    private readonly TempDirectory _tmp = new("sysupdate-raw-kill-");

    [Fact]
    public async Task Update_RawFileDownloadKilledHalfway_NextRunContinuesFromTheCheckpointWithRange()
    {
        await using var server = await TestHttpServer.StartAsync();
        byte[] image = RandomNumberGenerator.GetBytes(ImageSize);
        var served = server.Serve("/images/usr-v2.raw", image);
        served.BytesPerSecond = 8 * 1024 * 1024;
        server.Serve("/images/SHA256SUMS", Encoding.UTF8.GetBytes($"{Convert.ToHexStringLower(SHA256.HashData(image))} *usr-v2.raw\n"));
        string root = _tmp.Dir("root");
        string target = _tmp.Dir("root", "var", "lib", "images");
        File.WriteAllText(Path.Combine(_tmp.Dir("root", "etc", "sysupdate.d"), "10-usr.transfer"), $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path={server.Url("/images/").AbsoluteUri.TrimEnd('/')}
            MatchPattern=usr-@v.raw

            [Target]
            Type=regular-file
            Path=/var/lib/images
            MatchPattern=usr_@v.raw
            """);
        var sysupdate = new SysUpdateProcess { Timeout = TimeSpan.FromSeconds(120) }.ForLoopbackHttp(_tmp.Dir("cache"));
        string final = Path.Combine(target, "usr_v2.raw");

        long checkpoint;
        using (var run = WatchedRun.Start(sysupdate, "--root=" + root, "update"))
        {
            if (!await run.WaitUntilAsync(() => CheckpointedBytes(final) >= ImageSize / 2))
                Assert.Fail($"the update ended before half of the image was checkpointed\n{await run.WaitForExitAsync()}");
            run.Kill();
            var killed = await run.WaitForExitAsync();
            Assert.True(run.KilledWhileRunning, $"the update ended on its own\n{killed}");
            checkpoint = CheckpointedBytes(final);
        }
        Assert.False(File.Exists(final));
        Assert.True(File.Exists(ResumeState.DataPath(final)), "the resume file is gone after SIGKILL");

        var next = await sysupdate.RunAsync("--root=" + root, "update");
        next.ShouldExit(0);

        Assert.Equal(SHA256.HashData(image), SHA256.HashData(File.ReadAllBytes(final)));
        var requests = server.Requests("/images/usr-v2.raw");
        Assert.Equal(2, requests.Count);
        Assert.True(string.IsNullOrEmpty(requests[0].Range), $"the first run asked for Range {requests[0].Range}");
        Assert.Equal($"bytes={checkpoint}-", requests[1].Range);
        Assert.Equal(served.ETag, requests[1].IfRange);
        Assert.Equal(206, requests[1].Status);
        Assert.Equal(ImageSize - checkpoint, requests[1].BytesSent);
        long total = requests.Sum(r => r.BytesSent);
        output.WriteLine($"SIGKILL: first run {requests[0].BytesSent} bytes sent, {checkpoint} checkpointed, second run {requests[1].BytesSent}: "
            + $"{total} of {ImageSize} ({100.0 * total / ImageSize:F1} %)");
        Assert.False(File.Exists(ResumeState.StatePath(final)));
        Assert.False(File.Exists(ResumeState.DataPath(final)));
    }

    private static long CheckpointedBytes(string final) =>
        ResumeState.Load(final) is { Bytes: { } bytes } ? bytes : 0;

    public void Dispose() => _tmp.Dispose();
}
