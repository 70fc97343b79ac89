using System.Security.Cryptography;
using SysUpdate.Integration.Tests.Http;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests;

/// <summary>
/// <c>MaxVersion=</c>, <c>MinVersion=</c> and <c>ProtectVersion=</c> of transfers and components, and
/// downgrade protection, run with the published binary against a <c>--root</c> tree: a local source
/// directory, and a url-file source on a python http.server on 127.0.0.1. The cases are those of the
/// version-bounds section issue 14 asks for (upstream main's key names, states and wording).
/// </summary>
public sealed class VersionBoundsTests : IDisposable
{
    private readonly TempDirectory _tmp = new();
    private readonly SysUpdateProcess _sysupdate = new();

    public void Dispose() => _tmp.Dispose();

    private string Root => "--root=" + _tmp.Path;

    private void Write(string relative, string text)
    {
        string path = _tmp.Combine(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>Publishes <c>blob-VERSION.bin</c> for every version into <c>/source</c>, with a SHA256SUMS.</summary>
    private void Publish(params string[] versions)
    {
        string source = _tmp.Dir("source");
        foreach (var v in versions)
            File.WriteAllText(Path.Combine(source, $"blob-{v}.bin"), $"payload {v}\n");
        File.WriteAllLines(Path.Combine(source, "SHA256SUMS"), Directory.GetFiles(source, "blob-*.bin").Order(StringComparer.Ordinal)
            .Select(f => $"{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))}  {Path.GetFileName(f)}"));
    }

    private static string Transfer(string transferSection = "", string sourceType = "regular-file", string sourcePath = "/source") =>
        (transferSection.Length > 0 ? $"[Transfer]\n{transferSection}\n" : "")
        + $"[Source]\nType={sourceType}\nPath={sourcePath}\nMatchPattern=blob-@v.bin\n\n"
        + "[Target]\nType=regular-file\nPath=/target\nMatchPattern=blob-@v.bin\nInstancesMax=3\n";

    private string Installed(string version) => _tmp.Combine("target", $"blob-{version}.bin");

    private Task<ProcessResult> Run(params string[] args) => _sysupdate.RunAsync([Root, "--verify=no", .. args]);

    /// <summary>The assessment column of <c>list</c> for each version.</summary>
    private async Task<Dictionary<string, string>> AssessmentsAsync(params string[] extra)
    {
        var list = (await Run([.. extra, "--no-legend", "list"])).ShouldExit(0);
        return list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(cells => cells.First(c => c.StartsWith('v')), cells => cells[^1]);
    }

    [Fact]
    public async Task TransferMaxVersion_ListCheckNewUpdate_NewestAllowedVersionOnly()
    {
        Write("etc/sysupdate.d/50-blob.transfer", Transfer("MaxVersion=v2"));
        _tmp.Dir("target");
        Publish("v1", "v2", "v3");

        var states = await AssessmentsAsync();
        Assert.Equal("too-new", states["v3"]);
        Assert.Equal("candidate", states["v2"]);
        Assert.Equal("available", states["v1"]);

        var check = (await Run("check-new")).ShouldExit(0);
        Assert.Equal("v2\n", check.StandardOutput);

        (await Run("update")).ShouldExit(0);
        Assert.True(File.Exists(Installed("v2")));
        Assert.False(File.Exists(Installed("v3")));

        // Up to date within the bound: nothing new, though v3 is on the server.
        (await Run("check-new")).ShouldExit(1);
        states = await AssessmentsAsync();
        Assert.Equal("current", states["v2"]);
        Assert.Equal("too-new", states["v3"]);
    }

    [Fact]
    public async Task TransferMaxVersion_UpdateNamingTooNewVersion_RefusedWithOneLineNothingDownloaded()
    {
        Write("etc/sysupdate.d/50-blob.transfer", Transfer("MaxVersion=v2"));
        _tmp.Dir("target");
        Publish("v1", "v2", "v3");

        var refused = (await Run("update", "v3")).ShouldExit(1);

        Assert.Equal("Selected update 'v3' is too new, refusing.", refused.ErrorLines[^1]);
        Assert.DoesNotContain(refused.ErrorLines, l => l.Contains("   at ", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFileSystemEntries(_tmp.Combine("target")));

        (await Run("acquire", "v3")).ShouldExit(1);
        Assert.Empty(Directory.GetFileSystemEntries(_tmp.Combine("target")));
    }

    [Fact]
    public async Task TransferMaxVersion_ListVersionJson_TooNewOnlyWhereSet()
    {
        Write("etc/sysupdate.d/50-blob.transfer", Transfer("MaxVersion=v2"));
        _tmp.Dir("target");
        Publish("v2", "v3");

        var tooNew = (await Run("--json=short", "list", "v3")).ShouldExit(0);
        Assert.Contains("\"obsolete\":false,\"protected\":false,\"incomplete\":false,\"tooNew\":true,", tooNew.StandardOutput, StringComparison.Ordinal);
        var allowed = (await Run("--json=short", "list", "v2")).ShouldExit(0);
        Assert.Contains("\"newest\":true,\"available\":true,", allowed.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("tooNew", allowed.StandardOutput, StringComparison.Ordinal);

        var text = (await Run("list", "v3")).ShouldExit(0);
        Assert.Contains("State: too-new", text.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Too new: yes", text.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransferMinVersion_OlderIsObsolete_UpdateNamingItRefused()
    {
        Write("etc/sysupdate.d/50-blob.transfer", Transfer("MinVersion=v2"));
        _tmp.Dir("target");
        Publish("v1", "v2");

        var states = await AssessmentsAsync();
        Assert.Equal("available+obsolete", states["v1"]);
        Assert.Equal("candidate", states["v2"]);

        var refused = (await Run("update", "v1")).ShouldExit(1);
        Assert.Equal("Selected update 'v1' is obsolete, refusing.", refused.ErrorLines[^1]);
        Assert.Empty(Directory.GetFileSystemEntries(_tmp.Combine("target")));
    }

    [Fact]
    public async Task InstalledVersionAboveLoweredMaxVersion_StaysCurrent_NothingOffered()
    {
        Write("etc/sysupdate.d/50-blob.transfer", Transfer());
        _tmp.Dir("target");
        Publish("v1", "v2", "v3");
        (await Run("update")).ShouldExit(0);
        Assert.True(File.Exists(Installed("v3")));

        Write("etc/sysupdate.d/50-blob.transfer", Transfer("MaxVersion=v2"));

        (await Run("check-new")).ShouldExit(1);
        var states = await AssessmentsAsync();
        Assert.Equal("current+too-new", states["v3"]);
        (await Run("update")).ShouldExit(0);
        Assert.True(File.Exists(Installed("v3")));
        Assert.False(File.Exists(Installed("v2")));
    }

    [Fact]
    public async Task ComponentBounds_CheckNewUpdateAndComponentsJson_NarrowEveryTransfer()
    {
        Write("etc/sysupdate.compx.d/50-blob.transfer", Transfer());
        Write("etc/sysupdate.compx.component", "[Component]\nDescription=Bounded\nMinVersion=v2\nMaxVersion=v3\nProtectVersion=v2\n");
        _tmp.Dir("target");
        Publish("v1", "v2", "v3", "v4");

        var states = await AssessmentsAsync("--component=compx");
        Assert.Equal("too-new", states["v4"]);
        Assert.Equal("candidate", states["v3"]);
        Assert.Equal("available+obsolete", states["v1"]);

        var check = (await Run("--component=compx", "check-new")).ShouldExit(0);
        Assert.Equal("v3\n", check.StandardOutput);
        var refused = (await Run("--component=compx", "update", "v4")).ShouldExit(1);
        Assert.Equal("Selected update 'v4' is too new, refusing.", refused.ErrorLines[^1]);

        (await Run("--component=compx", "update")).ShouldExit(0);
        Assert.True(File.Exists(Installed("v3")));
        Assert.False(File.Exists(Installed("v4")));

        var json = (await _sysupdate.RunAsync(Root, "--json=short", "components", "compx")).ShouldExit(0);
        Assert.Equal("""{"id":"compx","description":"Bounded","enabled":true,"suggest":false,"minVersion":"v2","maxVersion":"v3","protectVersion":["v2"]}""",
            json.StandardOutput.TrimEnd('\n'));
        var table = (await _sysupdate.RunAsync(Root, "components", "compx")).ShouldExit(0);
        Assert.Contains("MaxVersion: v3", table.StandardOutput, StringComparison.Ordinal);

        // 262.1's argument-less form is unchanged.
        var all = (await _sysupdate.RunAsync(Root, "--json=short", "components")).ShouldExit(0);
        Assert.Equal("""{"default":false,"components":["compx"]}""", all.StandardOutput.TrimEnd('\n'));
    }

    [Fact]
    public async Task ComponentProtectVersion_Vacuum_KeepsProtectedVersion()
    {
        Write("etc/sysupdate.compx.d/50-blob.transfer", Transfer().Replace("InstancesMax=3", "InstancesMax=2", StringComparison.Ordinal));
        Write("etc/sysupdate.compx.component", "[Component]\nProtectVersion=v1\n");
        _tmp.Dir("target");
        foreach (var v in new[] { "v1", "v2", "v3" })
        {
            Publish(v);
            (await Run("--component=compx", "update")).ShouldExit(0);
        }

        Assert.True(File.Exists(Installed("v1")));
        Assert.True(File.Exists(Installed("v3")));
        var states = await AssessmentsAsync("--component=compx");
        Assert.Equal("protected", states["v1"]);
    }

    [Fact]
    public async Task ComponentsName_Unknown_RefusedWithOneLine()
    {
        _tmp.Dir("etc/sysupdate.compx.d");

        var run = (await _sysupdate.RunAsync(Root, "components", "nope")).ShouldExit(1);

        Assert.Equal(["Component not found: nope"], run.ErrorLines);
    }

    [Theory]
    [InlineData("etc/sysupdate.d/50-blob.transfer", "[Transfer]\nMinVersion=v3\nMaxVersion=v2\n", 3, "MaxVersion= is older than MinVersion=v3: 'v2'")]
    [InlineData("etc/sysupdate.d/50-blob.transfer", "[Transfer]\nMaxVersion=v2/../x\n", 2, "MaxVersion= is not a valid version: 'v2/../x'")]
    [InlineData("etc/sysupdate.compx.component", "[Component]\nMaxVersion=v1\nMinVersion=v2\n", 2, "MaxVersion= is older than MinVersion=v2: 'v1'")]
    [InlineData("etc/sysupdate.compx.component", "[Component]\nMinVersion=a b\n", 2, "MinVersion= is not a valid version: 'a b'")]
    public async Task BadBound_RefusedWithFileAndLine(string file, string text, int line, string what)
    {
        bool component = file.Contains(".component", StringComparison.Ordinal);
        string transferFile = component ? "etc/sysupdate.compx.d/50-blob.transfer" : file;
        Write(transferFile, Transfer());
        Write(file, component ? text : text + "\n" + Transfer());
        _tmp.Dir("target");
        Publish("v1", "v2");

        var run = (await Run([.. component ? new[] { "--component=compx" } : [], "update"])).ShouldExit(1);

        Assert.Equal([$"{_tmp.Combine(file)}:{line}: {what}"], run.ErrorLines);
        Assert.Empty(Directory.GetFileSystemEntries(_tmp.Combine("target")));
    }

    [Fact]
    public async Task Downgrade_AllAvailableOlderThanBooted_HeldBackUnlessNamed()
    {
        Write("etc/os-release", "ID=test\nIMAGE_VERSION=v5\n");
        Write("etc/sysupdate.d/50-blob.transfer", Transfer());
        _tmp.Dir("target");
        Publish("v3", "v4");

        var check = (await Run("check-new")).ShouldExit(1);
        Assert.Contains("Newest available version 'v4' is older than the booted version 'v5', not offering it.", check.StandardError, StringComparison.Ordinal);
        (await Run("update")).ShouldExit(0);
        Assert.Empty(Directory.GetFileSystemEntries(_tmp.Combine("target")));

        var named = (await Run("update", "v4")).ShouldExit(0);
        Assert.Contains("Selected update 'v4' is older than the booted version 'v5', proceeding anyway.", named.StandardError, StringComparison.Ordinal);
        Assert.True(File.Exists(Installed("v4")));
    }

    [Fact]
    public async Task Downgrade_NewerThanBootedAvailable_Offered()
    {
        Write("etc/os-release", "ID=test\nIMAGE_VERSION=v5\n");
        Write("etc/sysupdate.d/50-blob.transfer", Transfer());
        _tmp.Dir("target");
        Publish("v4", "v6");

        var check = (await Run("check-new")).ShouldExit(0);
        Assert.Equal("v6\n", check.StandardOutput);
    }

    [Fact]
    public async Task UrlSource_MaxVersion_InstallsNewestAllowedOverHttp()
    {
        Publish("v1", "v2", "v3");
        await using var server = await StaticFileServer.StartPythonAsync(_tmp.Combine("source"));
        var http = new SysUpdateProcess().ForLoopbackHttp(_tmp.Dir("cache"));
        Write("etc/sysupdate.d/50-blob.transfer", Transfer("MaxVersion=v2", "url-file", server.BaseUrl));
        _tmp.Dir("target");

        var check = (await http.RunAsync(Root, "--verify=no", "check-new")).ShouldExit(0);
        Assert.Equal("v2\n", check.StandardOutput);
        var refused = (await http.RunAsync(Root, "--verify=no", "update", "v3")).ShouldExit(1);
        Assert.Equal("Selected update 'v3' is too new, refusing.", refused.ErrorLines[^1]);

        (await http.RunAsync(Root, "--verify=no", "update")).ShouldExit(0);
        Assert.Equal("payload v2\n", File.ReadAllText(Installed("v2")));
        Assert.False(File.Exists(Installed("v3")));
    }
}
