using System.Net;
using System.Net.Sockets;
using System.Text;
using SysUpdate.Core.Disk;
using SysUpdate.Core.Tests.Transport;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// <c>[Source] Mirror=</c>: the published binary against two real HTTP servers on 127.0.0.1. The first base URL down,
/// answering 500, or serving a corrupt image: the update completes from the second, and nothing of the bad bytes is
/// installed. Every mirror bad: one line naming each URL, exit 1, the installed version untouched. The mirror that
/// worked is asked first next time (seen in the servers' request logs).
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class MirrorTests(HttpImages images)
{
    private const int RawSize = 1024 * 1024;

    [Fact]
    public async Task Update_FirstMirrorDown_CompletesFromSecond()
    {
        await using var bench = await HttpBench.StartAsync(images);
        string down = ClosedPortUrl();
        WriteUkiTransfer(bench, down, bench.SourceUrl);
        bench.PublishSignedRelease();

        var result = (await bench.RunAsync("update", "v2")).ShouldExit(0);

        Assert.Equal(images.Bytes("uki-v2.efi"), File.ReadAllBytes(bench.InRoot("/var/lib/uki/uki_v2.efi")));
        Assert.Contains(down + "/SHA256SUMS", result.StandardError, StringComparison.Ordinal);
        Assert.Single(bench.Requests("uki-v2.efi"));
    }

    [Fact]
    public async Task Update_FirstMirrorAnswers500_CompletesFromSecond()
    {
        await using var bench = await HttpBench.StartAsync(images);
        await using var second = await StartSignedMirrorAsync(bench);
        foreach (var name in new[] { "SHA256SUMS", "SHA256SUMS.gpg", "SHA256SUMS.asc" })
        {
            var file = bench.Publish(name);
            file.FailStatus = 500;
            file.FailTimes = int.MaxValue;
        }

        (await bench.RunAsync("update", "v2")).ShouldExit(0);

        Assert.Equal(images.Bytes("uki-v2.efi"), File.ReadAllBytes(bench.InRoot("/var/lib/uki/uki_v2.efi")));
        Assert.All(bench.Requests("SHA256SUMS"), r => Assert.Equal(500, r.Status));
        Assert.Empty(bench.PayloadRequests());
        Assert.Single(second.Requests(HttpBench.ImagesPath + "uki-v2.efi"));
    }

    [Fact]
    public async Task Update_FirstMirrorManifestDoesNotVerify_ManifestAndSignatureFromSecond()
    {
        await using var bench = await HttpBench.StartAsync(images);
        await using var second = await StartSignedMirrorAsync(bench);
        // A manifest that lists another image for v2 under the first mirror's unchanged signature.
        string tampered = File.ReadAllText(images.Path("SHA256SUMS"))
            .Replace(images.Sha256("uki-v2.efi"), HttpBench.Sha256(Corrupt(images.Bytes("uki-v2.efi"))), StringComparison.Ordinal);
        bench.ServeManifest(tampered);

        var result = (await bench.RunAsync("update", "v2")).ShouldExit(0);

        Assert.Contains(bench.ManifestUrl, result.StandardError, StringComparison.Ordinal);
        Assert.Single(second.Requests(HttpBench.ImagesPath + "SHA256SUMS"));
        Assert.NotEmpty(second.Requests(HttpBench.ImagesPath + "SHA256SUMS.gpg"));
        Assert.Empty(bench.PayloadRequests());
        Assert.Equal(images.Bytes("uki-v2.efi"), File.ReadAllBytes(bench.InRoot("/var/lib/uki/uki_v2.efi")));
    }

    [Fact]
    public async Task Update_FirstMirrorLacksManifest404_CompletesFromSecond()
    {
        await using var bench = await HttpBench.StartAsync(images);
        await using var second = await TestHttpServer.StartAsync();
        WriteUkiTransfer(bench, bench.SourceUrl, MirrorUrl(second));
        PublishSignedRelease(second);

        (await bench.RunAsync("update", "v2")).ShouldExit(0);

        Assert.Equal(404, Assert.Single(bench.Requests("SHA256SUMS")).Status);
        Assert.Equal(images.Bytes("uki-v2.efi"), File.ReadAllBytes(bench.InRoot("/var/lib/uki/uki_v2.efi")));
    }

    [Fact]
    public async Task Update_FirstMirrorServesCorruptImage_CompletesFromSecondNothingBadInstalled()
    {
        await using var bench = await HttpBench.StartAsync(images);
        await using var second = await StartSignedMirrorAsync(bench);
        bench.Serve("uki-v2.efi", Corrupt(images.Bytes("uki-v2.efi")));

        var result = (await bench.RunAsync("update", "v2")).ShouldExit(0);

        Assert.Contains("SHA-256 mismatch", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(["uki_v2.efi"], Payloads.Names(bench.InRoot("/var/lib/uki")));
        Assert.Equal(images.Bytes("uki-v2.efi"), File.ReadAllBytes(bench.InRoot("/var/lib/uki/uki_v2.efi")));
        Assert.Single(bench.Requests("uki-v2.efi"));
        Assert.Single(second.Requests(HttpBench.ImagesPath + "uki-v2.efi"));
        // The manifest and its signature came from the first mirror only.
        Assert.Empty(second.Requests(HttpBench.ImagesPath + "SHA256SUMS"));
    }

    [Fact]
    public async Task Update_CorruptImageIntoPartition_SlotWrittenAgainFromSecondMirror()
    {
        await using var bench = await HttpBench.StartAsync(images);
        await using var second = await TestHttpServer.StartAsync();
        var (disk, usrType) = bench.CreateUsrDisk();
        bench.WriteTransfer("20-usr.transfer", $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path={bench.SourceUrl}
            Mirror={MirrorUrl(second)}
            MatchPattern=usr-@v.raw

            [Target]
            Type=partition
            Path=/disk.img
            MatchPattern=usr_@v
            MatchPartitionType=usr
            """);
        PublishUnsigned(bench.Server, ["usr-v1.raw"]);
        (await bench.RunAsync("update")).ShouldExit(0);
        var v1 = AssertSlot(disk, usrType, "usr_v1", "usr-v1.raw");

        PublishUnsigned(bench.Server, ["usr-v1.raw", "usr-v2.raw"]);
        PublishUnsigned(second, ["usr-v1.raw", "usr-v2.raw"]);
        bench.Serve("usr-v2.raw", Corrupt(images.Bytes("usr-v2.raw")));
        (await bench.RunAsync("update")).ShouldExit(0);

        var v2 = AssertSlot(disk, usrType, "usr_v2", "usr-v2.raw");
        Assert.NotEqual(v1.Number, v2.Number);
        Assert.Equal(v1, AssertSlot(disk, usrType, "usr_v1", "usr-v1.raw"));
        using var gpt = GptDisk.Open(disk, writable: false);
        Assert.Equal(2, gpt.Partitions.Count(p => p.Type == usrType));
    }

    [Fact]
    public async Task Update_EveryMirrorServesCorruptImage_OneLineNamingEachUrlInstalledVersionKept()
    {
        await using var bench = await HttpBench.StartAsync(images);
        await using var second = await StartSignedMirrorAsync(bench);
        (await bench.RunAsync("update", "v1")).ShouldExit(0);
        bench.Serve("uki-v2.efi", Corrupt(images.Bytes("uki-v2.efi")));
        second.Serve(HttpBench.ImagesPath + "uki-v2.efi", Corrupt(images.Bytes("uki-v2.efi")));
        bench.SysUpdate.WithEnvironment("SYSTEMD_LOG_LEVEL", "err"); // the line per failed mirror is a warning

        var result = await bench.RunAsync("update", "v2");

        HttpBench.AssertOneLineError(result, bench.SourceUrl + "/uki-v2.efi", MirrorUrl(second) + "/uki-v2.efi", "SHA-256 mismatch");
        Assert.DoesNotContain("uki_v2.efi", Payloads.Names(bench.InRoot("/var/lib/uki")));
        Assert.Equal(images.Bytes("uki-v1.efi"), File.ReadAllBytes(bench.InRoot("/var/lib/uki/uki_v1.efi")));
        Assert.DoesNotContain("uki-v2", (await bench.RunAsync("list")).ShouldExit(0).StandardOutput.Split('\n').Where(l => l.Contains("installed", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Update_EveryMirrorDown_OneLineNamingEachManifestUrl()
    {
        await using var bench = await HttpBench.StartAsync(images);
        string first = ClosedPortUrl(), second = ClosedPortUrl();
        WriteUkiTransfer(bench, first, second);
        bench.SysUpdate.WithEnvironment("SYSTEMD_LOG_LEVEL", "err"); // the line per failed mirror is a warning

        var result = await bench.RunAsync("update");

        HttpBench.AssertOneLineError(result, first + "/SHA256SUMS", second + "/SHA256SUMS", "10-uki.transfer");
        Assert.False(Directory.Exists(bench.InRoot("/var/lib/uki")) && Payloads.Names(bench.InRoot("/var/lib/uki")).Count > 0);
    }

    [Fact]
    public async Task Update_AfterSecondMirrorWorked_NextRunAsksItFirst()
    {
        await using var bench = await HttpBench.StartAsync(images);
        await using var second = await StartSignedMirrorAsync(bench);
        var manifest = bench.Publish("SHA256SUMS");
        manifest.FailStatus = 503;
        manifest.FailTimes = int.MaxValue;
        (await bench.RunAsync("update", "v1")).ShouldExit(0);
        int firstMirrorRequests = bench.Server.AllRequests().Count;
        Assert.NotEqual(0, firstMirrorRequests);

        manifest.FailTimes = 0; // the first mirror is healthy again, but the second one worked last
        (await bench.RunAsync("update", "v2")).ShouldExit(0);

        Assert.Equal(firstMirrorRequests, bench.Server.AllRequests().Count);
        Assert.Single(second.Requests(HttpBench.ImagesPath + "uki-v2.efi"));
        Assert.Equal(images.Bytes("uki-v2.efi"), File.ReadAllBytes(bench.InRoot("/var/lib/uki/uki_v2.efi")));
    }

    [Fact]
    public async Task Update_CorruptPreferenceFile_IgnoredAndFirstMirrorAsked()
    {
        await using var bench = await HttpBench.StartAsync(images);
        await using var second = await StartSignedMirrorAsync(bench);
        var manifest = bench.Publish("SHA256SUMS");
        manifest.FailStatus = 503;
        manifest.FailTimes = int.MaxValue;
        (await bench.RunAsync("update", "v1")).ShouldExit(0);
        string state = bench.InRoot("/var/lib/systemd/sysupdate/mirrors");
        var files = Directory.GetFiles(state);
        Assert.NotEmpty(files);
        foreach (var file in files)
            File.WriteAllBytes(file, [0xff, 0x00, 0x0a, 0x68]);
        manifest.FailTimes = 0;
        int secondMirrorRequests = second.AllRequests().Count;

        (await bench.RunAsync("update", "v2")).ShouldExit(0);

        Assert.Single(bench.Requests("uki-v2.efi"));
        Assert.Equal(secondMirrorRequests, second.AllRequests().Count);
    }

    /// <summary>A second server with the same signed release as the bench's, and the transfer naming the bench's
    /// server in <c>Path=</c> and the second one in <c>Mirror=</c>.</summary>
    private async Task<TestHttpServer> StartSignedMirrorAsync(HttpBench bench)
    {
        var second = await TestHttpServer.StartAsync();
        try
        {
            WriteUkiTransfer(bench, bench.SourceUrl, MirrorUrl(second));
            bench.PublishSignedRelease();
            PublishSignedRelease(second);
            return second;
        }
        catch
        {
            await second.DisposeAsync();
            throw;
        }
    }

    private static void WriteUkiTransfer(HttpBench bench, string path, string mirror) =>
        bench.WriteTransfer("10-uki.transfer", $"""
            [Source]
            Type=url-file
            Path={path}
            Mirror={mirror}
            MatchPattern=uki-@v.efi

            [Target]
            Type=regular-file
            Path=/var/lib/uki
            MatchPattern=uki_@v.efi
            InstancesMax=3
            """);

    private static string MirrorUrl(TestHttpServer server) => server.Url(HttpBench.ImagesPath).AbsoluteUri.TrimEnd('/');

    /// <summary>The URL of a port nothing listens on (bound, then closed).</summary>
    internal static string ClosedPortUrl()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        return $"http://127.0.0.1:{port}/images";
    }

    private void PublishSignedRelease(TestHttpServer server)
    {
        foreach (var file in Directory.EnumerateFiles(images.Directory))
        {
            string name = Path.GetFileName(file);
            if (name is not ("SHA256SUMS.asc" or "import-pubring.pgp"))
                server.Serve(HttpBench.ImagesPath + name, images.Bytes(name));
        }
    }

    private void PublishUnsigned(TestHttpServer server, IEnumerable<string> names)
    {
        var manifest = new StringBuilder();
        foreach (var name in names)
        {
            server.Serve(HttpBench.ImagesPath + name, images.Bytes(name));
            manifest.Append(images.ManifestLine(name));
        }
        server.Serve(HttpBench.ImagesPath + "SHA256SUMS", Encoding.UTF8.GetBytes(manifest.ToString()));
    }

    private static byte[] Corrupt(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        copy[copy.Length / 2] ^= 0x5a;
        return copy;
    }

    private GptPartition AssertSlot(string disk, Guid type, string label, string rawImage)
    {
        using var gpt = GptDisk.Open(disk, writable: false);
        var slot = Assert.Single(gpt.Partitions, p => p.Name == label);
        Assert.Equal(type, slot.Type);
        Assert.Equal(images.Sha256(rawImage), HttpBench.Sha256(disk, slot.StartBytes, RawSize));
        return slot;
    }
}
