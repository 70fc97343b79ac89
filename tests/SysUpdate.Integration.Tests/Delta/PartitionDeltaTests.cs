using System.Globalization;
using System.Text.RegularExpressions;
using SysUpdate.Integration.Tests.Http;
using SysUpdate.Integration.Tests.Support;
using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Delta;

/// <summary>
/// A delta update into a partition through the published CLI: v1 is installed into slot A by <c>sysupdate</c> (a whole
/// download), v2 — 5 % changed in regions of at least 256 KiB, published with <c>casync make</c> — then goes into slot B
/// assembled from v1's chunks in slot A plus the few chunks only v2 has, counted on the server side from nginx's access
/// log. A broken chunk stops the delta in favour of the whole download into the same slot; a broken whole image too
/// fails the update without committing anything.
/// </summary>
public sealed partial class PartitionDeltaTests(ITestOutputHelper output) : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly TempDirectory _tmp = new("sysupdate-partition-delta-");

    public void Dispose() => _tmp.Dispose();

    public enum Served
    {
        Nginx,
        NginxWithoutReadback,
        FileUrl,
    }

    [ExecutableTheory(DeltaRelease.CasyncExecutable, NginxServer.Executable)]
    [InlineData(Served.Nginx)]
    [InlineData(Served.NginxWithoutReadback)]
    [InlineData(Served.FileUrl)]
    public async Task Update_V1InSlotA_V2AssembledIntoSlotBFetchingAtMostATenthOfTheImage(Served served)
    {
        var release = await DeltaRelease.BuildAsync(_tmp.Path, new DeltaReleaseOptions { ImageSize = 16 * MiB });
        long imageLength = new FileInfo(release.V2Image).Length;
        using var root = new DeltaResumeRoot(release, DeltaResumeTarget.Partition);
        if (served == Served.NginxWithoutReadback)
            root.Sysupdate.WithEnvironment("SYSUPDATE_READBACK", "0");
        await using var nginx = served == Served.FileUrl ? null : await NginxServer.StartAsync(release.Directory);
        root.WriteTransfer(nginx?.BaseUrl ?? DeltaResumeRoot.FileUrl(release));

        await root.InstallV1Async();
        var slotA = root.Slot(DeltaResumeRoot.SlotA);
        Assert.Equal(("usr_1", DeltaResumeRoot.UsrType), (slotA.Name, slotA.Type));
        string slotABefore = root.SlotSha256(slotA, slotA.SizeBytes);
        int requestsBefore = nginx is null ? 0 : (await nginx.RequestsAsync()).Count;

        var update = (await root.RunAsync("update")).ShouldExit(0);

        var slotB = root.Slot(DeltaResumeRoot.SlotB);
        Assert.Equal(("usr_2", DeltaResumeRoot.UsrType), (slotB.Name, slotB.Type));
        Assert.Equal(release.Sha256(2), root.SlotSha256(slotB, imageLength));
        Assert.Equal(slotABefore, root.SlotSha256(root.Slot(DeltaResumeRoot.SlotA), slotA.SizeBytes));
        string summary = Assert.Single(update.ErrorLines, l => l.Contains(": assembled from ", StringComparison.Ordinal));
        long fetched = FetchedBytes(summary);
        output.WriteLine($"{served}: {summary}");
        Assert.True(fetched <= imageLength / 10, $"the CLI fetched {fetched} of {imageLength} image bytes\n{update}");
        if (nginx is not null)
        {
            var requests = (await nginx.RequestsAsync()).Skip(requestsBefore).ToList();
            long bytesServed = requests.Sum(r => r.BodyBytesSent);
            output.WriteLine($"{served}: nginx served {bytesServed} bytes in {requests.Count} requests for the update "
                + $"({100.0 * bytesServed / imageLength:0.0}% of the {imageLength}-byte image; v2-only chunks on disk: {release.V2OnlyChunkBytes})");
            Assert.DoesNotContain(requests, r => r.Path.EndsWith(".raw", StringComparison.Ordinal));
            Assert.True(bytesServed <= imageLength / 10, $"nginx served {bytesServed} bytes for the update of a {imageLength}-byte image\n{update}");
        }
    }

    [ExecutableFact(DeltaRelease.CasyncExecutable, NginxServer.Executable)]
    public async Task Update_ChunkWithWrongContent_DeltaStopsAndWholeImageGoesIntoTheSameSlot()
    {
        var release = await DeltaRelease.BuildAsync(_tmp.Path, new DeltaReleaseOptions { ImageSize = 16 * MiB, Corruption = ChunkCorruption.WrongContent });
        long imageLength = new FileInfo(release.V2Image).Length;
        using var root = new DeltaResumeRoot(release, DeltaResumeTarget.Partition);
        await using var nginx = await NginxServer.StartAsync(release.Directory);
        root.WriteTransfer(nginx.BaseUrl);
        await root.InstallV1Async();
        int requestsBefore = (await nginx.RequestsAsync()).Count;

        var update = (await root.RunAsync("update")).ShouldExit(0);

        string stopped = Assert.Single(update.ErrorLines, l => l.Contains("delta download stopped", StringComparison.Ordinal));
        output.WriteLine(stopped);
        Assert.Contains("partition 2", stopped, StringComparison.Ordinal);
        Assert.DoesNotContain(update.ErrorLines, l => l.Contains(": assembled from ", StringComparison.Ordinal));
        var slotB = root.Slot(DeltaResumeRoot.SlotB);
        Assert.Equal(("usr_2", DeltaResumeRoot.UsrType), (slotB.Name, slotB.Type));
        Assert.Equal(release.Sha256(2), root.SlotSha256(slotB, imageLength));
        Assert.Equal(release.Sha256(1), root.InstalledSha256(1));
        var requests = (await nginx.RequestsAsync()).Skip(requestsBefore).ToList();
        Assert.Contains(requests, r => r.Path == "/" + release.CorruptedChunk);
        var whole = Assert.Single(requests, r => r.Path == "/" + release.ImageName(2));
        Assert.Equal(imageLength, whole.BodyBytesSent);
        output.WriteLine($"served for the update: {requests.Sum(r => r.BodyBytesSent)} bytes "
            + $"({requests.Where(r => r.Path.StartsWith("/" + DeltaRelease.StoreName + "/", StringComparison.Ordinal)).Sum(r => r.BodyBytesSent)} of them chunks)");
    }

    [ExecutableFact(DeltaRelease.CasyncExecutable, NginxServer.Executable)]
    public async Task Update_ChunkAndWholeImageBroken_FailsInOneLineWithoutCommittingSlotB()
    {
        var release = await DeltaRelease.BuildAsync(_tmp.Path, new DeltaReleaseOptions { ImageSize = 16 * MiB, Corruption = ChunkCorruption.WrongContent });
        FlipMiddleByte(release.V2Image); // the published image no longer has SHA256SUMS's hash
        using var root = new DeltaResumeRoot(release, DeltaResumeTarget.Partition);
        await using var nginx = await NginxServer.StartAsync(release.Directory);
        root.WriteTransfer(nginx.BaseUrl);
        await root.InstallV1Async();
        var slotA = root.Slot(DeltaResumeRoot.SlotA);
        string slotABefore = root.SlotSha256(slotA, slotA.SizeBytes);

        root.Sysupdate.WithEnvironment("SYSTEMD_LOG_LEVEL", "warning");
        var update = await root.RunAsync("update");

        Assert.NotEqual(0, update.ExitCode);
        string line = Assert.Single(update.ErrorLines);
        Assert.Contains(nginx.BaseUrl + "/" + release.ImageName(2), line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", update.StandardError, StringComparison.Ordinal);
        output.WriteLine(line);
        var slotAAfter = root.Slot(DeltaResumeRoot.SlotA);
        Assert.Equal(slotA, slotAAfter);
        Assert.Equal(slotABefore, root.SlotSha256(slotAAfter, slotAAfter.SizeBytes));
        var slotB = root.Slot(DeltaResumeRoot.SlotB);
        Assert.True(slotB.Type == DeltaResumeRoot.UsrPartialType || (slotB.Name == "_empty" && slotB.Type == DeltaResumeRoot.UsrType),
            $"slot B is '{slotB.Name}' of type {slotB.Type}: committed or pending after a failed update\n{update}");
        Assert.Null(root.InstalledSha256(2));
    }

    /// <summary>The bytes fetched from the store, from the summary line "…, Y fetched from STORE (…)".</summary>
    internal static long FetchedBytes(string summary) =>
        long.Parse(FetchedPattern().Match(summary) is { Success: true } m ? m.Groups[1].Value : throw new FormatException($"no fetched count in '{summary}'"),
            CultureInfo.InvariantCulture);

    [GeneratedRegex(@" (\d+) fetched from ")]
    private static partial Regex FetchedPattern();

    private static void FlipMiddleByte(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = stream.Length / 2;
        int b = stream.ReadByte();
        stream.Position = stream.Length / 2;
        stream.WriteByte((byte)(b ^ 0xFF));
    }
}
