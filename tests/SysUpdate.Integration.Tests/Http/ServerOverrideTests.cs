using SysUpdate.Core.Tests.Transport;
using SysUpdate.Integration.Tests.Faults.Support;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// The update server <c>%R</c> stands for in <c>Path=</c>: <c>Server=</c> in <c>sysupdate.conf</c> below the root,
/// overridden by <c>SYSTEMD_SYSUPDATE_SERVER</c>, overridden by <c>--server=</c> — three real servers, and which one was
/// asked is read from their request logs. A bad value is one line naming where it was set.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class ServerOverrideTests(HttpImages images)
{
    [Fact]
    public async Task Update_ServerFromSysUpdateConf_FetchesFromIt()
    {
        await using var bench = await SetUpAsync();
        WriteConf(bench, "[Source]\nServer=" + Base(bench.Server) + "/\n");

        (await bench.RunAsync("update", "v2")).ShouldExit(0);

        Assert.Equal(images.Bytes("uki-v2.efi"), File.ReadAllBytes(bench.InRoot("/var/lib/uki/uki_v2.efi")));
        Assert.Single(bench.Requests("uki-v2.efi"));
    }

    [Fact]
    public async Task Update_EnvironmentOverConfAndOptionOverEnvironment()
    {
        await using var bench = await SetUpAsync();
        await using var fromEnvironment = await StartPublishingAsync();
        await using var fromOption = await StartPublishingAsync();
        WriteConf(bench, "[Source]\nServer=" + Base(bench.Server) + "\n");

        bench.SysUpdate.WithEnvironment("SYSTEMD_SYSUPDATE_SERVER", Base(fromEnvironment));
        (await bench.RunAsync("update", "v1")).ShouldExit(0);
        Assert.Empty(bench.Server.AllRequests());
        Assert.Single(fromEnvironment.Requests(HttpBench.ImagesPath + "uki-v1.efi"));

        (await bench.RunAsync("update", "v2", "--server=" + Base(fromOption))).ShouldExit(0);
        Assert.Empty(bench.Server.AllRequests());
        Assert.Empty(fromEnvironment.Requests(HttpBench.ImagesPath + "uki-v2.efi"));
        Assert.Single(fromOption.Requests(HttpBench.ImagesPath + "uki-v2.efi"));
        Assert.Equal(["uki_v1.efi", "uki_v2.efi"], Payloads.Names(bench.InRoot("/var/lib/uki")));
    }

    [Fact]
    public async Task Update_ServerOverrideWithMirror_OverrideFirstThenMirror()
    {
        await using var bench = await SetUpAsync(mirror: MirrorTests.ClosedPortUrl());
        await using var fromOption = await StartPublishingAsync();

        (await bench.RunAsync("update", "v1", "--server=" + Base(fromOption))).ShouldExit(0);

        Assert.Single(fromOption.Requests(HttpBench.ImagesPath + "uki-v1.efi"));
        Assert.Empty(bench.Server.AllRequests());
    }

    [Fact]
    public async Task Update_BadServerInConf_OneLineNamingFileAndLine()
    {
        await using var bench = await SetUpAsync();
        WriteConf(bench, "[Source]\nServer=ftp://updates.example.com\n");

        var result = await bench.RunAsync("update");

        HttpBench.AssertOneLineError(result, "sysupdate.conf:2", "Server=", "ftp://updates.example.com");
        Assert.Empty(bench.Server.AllRequests());
    }

    [Fact]
    public async Task Update_BadServerInEnvironment_OneLineNamingTheVariable()
    {
        await using var bench = await SetUpAsync();
        bench.SysUpdate.WithEnvironment("SYSTEMD_SYSUPDATE_SERVER", "updates.example.com");

        var result = await bench.RunAsync("update");

        HttpBench.AssertOneLineError(result, "SYSTEMD_SYSUPDATE_SERVER=updates.example.com");
    }

    [Fact]
    public async Task Update_BadServerOption_OneLineNamingTheOption()
    {
        await using var bench = await SetUpAsync();

        var result = await bench.RunAsync("update", "--server=not a url");

        // Like every option that does not parse: the error, then where to read about the options.
        RunAssert.FailedWithLines(result, "bad --server=", ["--server=", "not a url"], ["sysupdate --help"]);
        Assert.Empty(bench.Server.AllRequests());
    }

    [Fact]
    public async Task Update_NoServerSetAnywhere_OneLineNamingTransferLine()
    {
        await using var bench = await SetUpAsync();

        var result = await bench.RunAsync("update");

        HttpBench.AssertOneLineError(result, "10-uki.transfer:3", "%R", "Server=", "--server=");
    }

    [Fact]
    public async Task Help_ListsServerOption()
    {
        var result = (await new SysUpdateProcess().RunAsync("--help")).ShouldExit(0);

        Assert.Contains("--server=URL", result.StandardOutput, StringComparison.Ordinal);
    }

    private async Task<HttpBench> SetUpAsync(string? mirror = null)
    {
        var bench = await HttpBench.StartAsync(images);
        bench.SysUpdate.WithEnvironment("SYSTEMD_SYSUPDATE_SERVER", null);
        bench.WriteTransfer("10-uki.transfer", $"""
            [Source]
            Type=url-file
            Path=%R{HttpBench.ImagesPath.TrimEnd('/')}
            {(mirror is null ? "" : "Mirror=" + mirror)}
            MatchPattern=uki-@v.efi

            [Target]
            Type=regular-file
            Path=/var/lib/uki
            MatchPattern=uki_@v.efi
            """);
        bench.PublishSignedRelease();
        return bench;
    }

    private async Task<TestHttpServer> StartPublishingAsync()
    {
        var server = await TestHttpServer.StartAsync();
        foreach (var file in Directory.EnumerateFiles(images.Directory))
            server.Serve(HttpBench.ImagesPath + Path.GetFileName(file), File.ReadAllBytes(file));
        return server;
    }

    private static void WriteConf(HttpBench bench, string text)
    {
        string path = bench.InRoot("/etc/systemd/sysupdate.conf");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static string Base(TestHttpServer server) => server.BaseUrl.AbsoluteUri.TrimEnd('/');
}
