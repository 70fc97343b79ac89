using SysUpdate.Core.Config;

namespace SysUpdate.Core.Tests.Config;

public sealed class SysUpdateConfTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sysupdate-conf-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relative, string text)
    {
        string path = Path.Join(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [Fact]
    public void Load_NoFiles_IsEmpty()
    {
        var conf = SysUpdateConf.Load(_root);

        Assert.Empty(conf.Files);
        Assert.Null(conf.Get("Source", "Server"));
    }

    [Fact]
    public void Load_EtcMainFileShadowsVendorOne()
    {
        Write("usr/lib/systemd/sysupdate.conf", "[Source]\nServer=https://vendor.example/\n");
        Write("etc/systemd/sysupdate.conf", "[Source]\nServer=https://local.example/\n");

        var conf = SysUpdateConf.Load(_root);

        Assert.Equal("https://local.example/", conf.Get("Source", "Server")!.Value);
        Assert.Single(conf.Files);
    }

    [Fact]
    public void Load_DropInsApplyAfterMainFileInNameOrder()
    {
        Write("usr/lib/systemd/sysupdate.conf", "[Source]\nServer=https://vendor.example/\n");
        Write("usr/lib/systemd/sysupdate.conf.d/20-b.conf", "[Source]\nServer=https://b.example/\n");
        Write("etc/systemd/sysupdate.conf.d/10-a.conf", "[Source]\nServer=https://a.example/\n");

        var conf = SysUpdateConf.Load(_root);

        var server = conf.Get("Source", "Server")!;
        Assert.Equal("https://b.example/", server.Value);
        Assert.EndsWith("20-b.conf", server.Location.Path);
    }

    [Fact]
    public void Load_DropInInEtcShadowsSameNameInUsr()
    {
        Write("usr/lib/systemd/sysupdate.conf.d/50-x.conf", "[Source]\nServer=https://vendor.example/\n");
        Write("etc/systemd/sysupdate.conf.d/50-x.conf", "[Source]\nServer=https://local.example/\n");

        Assert.Equal("https://local.example/", SysUpdateConf.Load(_root).Get("Source", "Server")!.Value);
    }

    [Fact]
    public void GetAll_EmptyValueResetsList()
    {
        Write("usr/lib/systemd/sysupdate.conf", "[Source]\nMirror=https://a.example/\nMirror=https://b.example/\n");
        Write("etc/systemd/sysupdate.conf.d/10-reset.conf", "[Source]\nMirror=\nMirror=https://c.example/\n");

        var mirrors = SysUpdateConf.Load(_root).GetAll("Source", "Mirror");

        Assert.Equal(["https://c.example/"], mirrors.Select(m => m.Value));
    }

    [Fact]
    public void Get_EmptyValue_ResetsToUnset()
    {
        Write("usr/lib/systemd/sysupdate.conf", "[Source]\nServer=https://vendor.example/\n");
        Write("etc/systemd/sysupdate.conf.d/10-reset.conf", "[Source]\nServer=\n");

        Assert.Null(SysUpdateConf.Load(_root).Get("Source", "Server"));
    }

    [Fact]
    public void Load_MalformedSection_ThrowsWithLocation()
    {
        Write("etc/systemd/sysupdate.conf", "[Source\nServer=x\n");

        var error = Assert.Throws<ConfigSyntaxException>(() => SysUpdateConf.Load(_root));
        Assert.Contains("sysupdate.conf:1", error.Message);
    }
}
