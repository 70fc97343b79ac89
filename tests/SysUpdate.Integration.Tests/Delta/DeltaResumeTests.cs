using SysUpdate.Integration.Tests.Http;
using SysUpdate.Integration.Tests.Support;
using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Delta;

/// <summary>
/// A delta update interrupted halfway — SIGKILL, SIGTERM, or the server going away — and then a plain <c>update</c>,
/// into a file and into a partition: the second run completes with v2's SHA-256, and the chunk bytes nginx served to
/// both runs together stay within 110 % of what one uninterrupted delta update of the same release serves, measured in
/// the same test on a fresh machine. "Halfway" is read from the server's own log: the first server is throttled per
/// connection, and the run is interrupted once it has sent half of the uninterrupted run's chunk bytes. Every request
/// counts, including those a killed client never finished reading (nginx logs them with the bytes it sent).
/// </summary>
public sealed class DeltaResumeTests(DeltaResumeRelease shared, ITestOutputHelper output) : IClassFixture<DeltaResumeRelease>
{
    private const long ThrottlePerConnection = 64 * 1024;
    private static readonly TimeSpan HungAfter = TimeSpan.FromSeconds(60);
    private static readonly string StorePrefix = "/" + DeltaRelease.StoreName + "/";

    public enum Interruption
    {
        Kill,
        Terminate,
        ServerGone,
    }

    [ExecutableTheory(DeltaRelease.CasyncExecutable, NginxServer.Executable)]
    [InlineData(DeltaResumeTarget.File, Interruption.Kill)]
    [InlineData(DeltaResumeTarget.Partition, Interruption.Kill)]
    [InlineData(DeltaResumeTarget.File, Interruption.Terminate)]
    [InlineData(DeltaResumeTarget.Partition, Interruption.Terminate)]
    [InlineData(DeltaResumeTarget.File, Interruption.ServerGone)]
    [InlineData(DeltaResumeTarget.Partition, Interruption.ServerGone)]
    public async Task Update_InterruptedHalfwayThroughDelta_NextUpdateCompletesWithinATenthMoreChunkBytes(DeltaResumeTarget target, Interruption interruption)
    {
        var release = await shared.GetAsync();
        long uninterrupted = await UninterruptedChunkBytesAsync(release, target);

        using var root = new DeltaResumeRoot(release, target);
        root.WriteTransfer(DeltaResumeRoot.FileUrl(release));
        await root.InstallV1Async();
        string? slotABefore = target == DeltaResumeTarget.Partition ? root.SlotSha256(root.Slot(DeltaResumeRoot.SlotA), release.Options.ImageSize) : null;

        var throttled = new NginxOptions { LimitRatePerConnection = ThrottlePerConnection };
        IReadOnlyList<NginxRequest> firstRequests;
        ProcessResult first;
        int port;
        await using (var nginx = await NginxServer.StartAsync(release.Directory, throttled))
        {
            port = nginx.Port;
            root.WriteTransfer(nginx.BaseUrl);
            using (var run = root.Start("update"))
            {
                await WaitUntilHalfInPlaceAsync(root, run);
                switch (interruption)
                {
                    case Interruption.Kill:
                        run.Kill();
                        break;
                    case Interruption.Terminate:
                        run.Terminate();
                        break;
                    case Interruption.ServerGone:
                        await nginx.KillAsync();
                        break;
                }
                first = await run.WaitAsync();
            }
            await nginx.StopAsync();
            firstRequests = await nginx.RequestsAsync();
        }
        Assert.True(first.ExitCode != 0, $"the interrupted run succeeded\n{first}");
        Assert.DoesNotContain("   at ", first.StandardError, StringComparison.Ordinal);
        Assert.Null(root.InstalledSha256(2));
        long inPlace = root.V2ChangedBytesInPlace();
        output.WriteLine($"after the interruption {inPlace} of v2's {release.ChangedRegions.Sum(r => r.Length)} changed bytes are in place");

        // The server is back, on the same URL (and no longer throttled: only bytes are compared).
        await using var back = await NginxServer.StartAsync(release.Directory, new NginxOptions { Port = port });
        var second = (await root.RunAsync("update")).ShouldExit(0);
        var secondRequests = await back.RequestsAsync();

        Assert.Equal(release.Sha256(2), root.InstalledSha256(2));
        Assert.Equal(release.Sha256(1), root.InstalledSha256(1));
        if (slotABefore is not null)
            Assert.Equal(slotABefore, root.SlotSha256(root.Slot(DeltaResumeRoot.SlotA), release.Options.ImageSize));
        Assert.Contains(second.ErrorLines, l => l.Contains(": assembled from ", StringComparison.Ordinal));
        Assert.DoesNotContain(firstRequests.Concat(secondRequests), r => r.Path == "/" + release.ImageName(2));

        // A chunk counts as fetched when its response completed: one cut off by the interruption is lost whatever the
        // client does (its ID cannot be checked on part of it), and at most the requests in flight are cut off.
        long firstCompleted = ChunkBytes(firstRequests.Where(r => r.Completed)), secondCompleted = ChunkBytes(secondRequests.Where(r => r.Completed));
        var cutOff = firstRequests.Concat(secondRequests).Where(r => !r.Completed && r.Path.StartsWith(StorePrefix, StringComparison.Ordinal)).ToList();
        long together = firstCompleted + secondCompleted;
        output.WriteLine($"{target}, {interruption}: chunk bytes served — one uninterrupted delta update {uninterrupted}; "
            + $"interrupted run {firstCompleted}, next run {secondCompleted}, together {together} = {100.0 * together / uninterrupted:0.0}%; "
            + $"plus {cutOff.Sum(r => r.BodyBytesSent)} bytes of {cutOff.Count} chunk responses cut off (v2-only chunks on disk: {release.V2OnlyChunkBytes})");
        output.WriteLine($"interrupted run: exit {first.ExitCode}; {first.ErrorLines.LastOrDefault()}");
        output.WriteLine(second.ErrorLines.First(l => l.Contains(": assembled from ", StringComparison.Ordinal)));
        Assert.True(together <= uninterrupted * 11 / 10,
            $"the two runs were served {firstCompleted} + {secondCompleted} chunk bytes, one uninterrupted update {uninterrupted}\n{first}\n{second}");
    }

    /// <summary>Chunk bytes nginx serves for one delta update from v1 to v2 on a fresh machine.</summary>
    private static async Task<long> UninterruptedChunkBytesAsync(DeltaRelease release, DeltaResumeTarget target)
    {
        using var fresh = new DeltaResumeRoot(release, target);
        fresh.WriteTransfer(DeltaResumeRoot.FileUrl(release));
        await fresh.InstallV1Async();
        await using var nginx = await NginxServer.StartAsync(release.Directory);
        fresh.WriteTransfer(nginx.BaseUrl);
        var update = (await fresh.RunAsync("update")).ShouldExit(0);
        Assert.Contains(update.ErrorLines, l => l.Contains(": assembled from ", StringComparison.Ordinal));
        Assert.Equal(release.Sha256(2), fresh.InstalledSha256(2));
        await nginx.StopAsync();
        long bytes = ChunkBytes(await nginx.RequestsAsync());
        Assert.True(bytes >= release.V2OnlyChunkBytes, $"an update from v1 was served {bytes} chunk bytes, v2's own chunks are {release.V2OnlyChunkBytes}");
        return bytes;
    }

    /// <summary>Waits until the run has put half of v2's changed bytes where they belong (read from the target, so the
    /// run really has them, however far the server is ahead); fails if the run ends first or hangs.</summary>
    private static async Task WaitUntilHalfInPlaceAsync(DeltaResumeRoot root, DeltaResumeRun run)
    {
        long half = root.Release.ChangedRegions.Sum(r => r.Length) / 2;
        using var hung = new CancellationTokenSource(HungAfter);
        while (root.V2ChangedBytesInPlace() < half)
        {
            if (run.HasExited)
                Assert.Fail($"the update ended before half of v2's changed bytes were in place\n{await run.WaitAsync()}");
            await Task.Delay(20, hung.Token);
        }
    }

    private static long ChunkBytes(IEnumerable<NginxRequest> requests) =>
        requests.Where(r => r.Path.StartsWith(StorePrefix, StringComparison.Ordinal)).Sum(r => r.BodyBytesSent);
}
