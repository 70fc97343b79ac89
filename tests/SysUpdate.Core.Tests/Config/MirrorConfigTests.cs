using SysUpdate.Core.Config;

namespace SysUpdate.Core.Tests.Config;

/// <summary><c>[Source] Mirror=</c> and the update server <c>%R</c> (<c>--server=</c> over <c>SYSTEMD_SYSUPDATE_SERVER</c> over
/// <c>Server=</c> in <c>sysupdate.conf</c>).</summary>
public sealed class MirrorConfigTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sysupdate-mirror-defs-").FullName;
    private readonly Dictionary<string, string> _environment = [];

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("", new string[0])]
    [InlineData("Mirror=https://b.example/os", new[] { "https://b.example/os" })]
    [InlineData("Mirror=https://b.example/os\nMirror=http://c.example/os/", new[] { "https://b.example/os", "http://c.example/os/" })]
    [InlineData("Mirror=https://b.example/os\nMirror=\nMirror=file:///srv/os", new[] { "file:///srv/os" })]
    [InlineData("Mirror=https://b.example/os\nMirror=https://b.example/os/", new[] { "https://b.example/os" })]
    [InlineData("Mirror=https://updates.example.org/os/", new string[0])]
    public void Load_Mirror_ParsedInOrder(string lines, string[] expected)
    {
        Write("Path=https://updates.example.org/os", lines);
        Assert.Equal(expected, Assert.Single(Load().Transfers).Source.Mirrors);
    }

    [Theory]
    [InlineData("Mirror=ftp://b.example/os")]
    [InlineData("Mirror=b.example/os")]
    [InlineData("Mirror=https://b.example/%Q")]
    public void Load_BadMirror_ThrowsWithFileAndLine(string line)
    {
        string path = Write("Path=https://updates.example.org/os", line);
        var ex = Assert.Throws<ConfigSyntaxException>(Load);
        Assert.Equal(path, ex.Location.Path);
        Assert.Equal(5, ex.Location.Line);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Load_MirrorOnLocalSource_Refused()
    {
        string path = Path.Combine(_root, "etc/sysupdate.d/50-usr.transfer");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "[Source]\nType=regular-file\nPath=/srv\nMatchPattern=usr_@v.raw\nMirror=https://b.example/os\n"
            + "[Target]\nType=regular-file\nPath=/var/lib/images\n");

        var ex = Assert.Throws<ConfigSyntaxException>(Load);

        Assert.Equal(5, ex.Location.Line);
    }

    [Fact]
    public void Load_ServerSpecifier_ExpandsInPathAndMirror()
    {
        WriteConf("[Source]\nServer=https://vendor.example/\n");
        Write("Path=%R/os", "Mirror=https://mirror.example/os\nMirror=%R/os-old");

        var source = Assert.Single(Load().Transfers).Source;

        Assert.Equal("https://vendor.example/os", source.Path);
        Assert.Equal(["https://mirror.example/os", "https://vendor.example/os-old"], source.Mirrors);
    }

    [Fact]
    public void Load_ServerPrecedence_OptionOverEnvironmentOverConf()
    {
        WriteConf("[Source]\nServer=https://conf.example\n");
        Write("Path=%R/os", "");

        Assert.Equal("https://conf.example/os", Assert.Single(Load().Transfers).Source.Path);
        _environment[UpdateServer.Variable] = "http://env.example:8080/";
        Assert.Equal("http://env.example:8080/os", Assert.Single(Load().Transfers).Source.Path);
        Assert.Equal("https://option.example/ci/42/os", Assert.Single(Load("https://option.example/ci/42").Transfers).Source.Path);
    }

    [Fact]
    public void Load_ServerUnset_ThrowsNamingTransferLineAndWhereToSetIt()
    {
        string path = Write("Path=%R/os", "");

        var ex = Assert.Throws<ConfigSyntaxException>(Load);

        Assert.Equal((path, 3), (ex.Location.Path, ex.Location.Line));
        Assert.Contains("Server=", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--server=", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadServerInConf_ThrowsNamingConfFileAndLine()
    {
        string conf = WriteConf("[Source]\n# vendor default\nServer=updates.example.com\n");
        Write("Path=%R/os", "");

        var ex = Assert.Throws<ConfigSyntaxException>(Load);

        Assert.Equal((conf, 3), (ex.Location.Path, ex.Location.Line));
    }

    [Theory]
    [InlineData("updates.example.com")]
    [InlineData("ftp://updates.example.com")]
    [InlineData("https://updates example.com")]
    public void Load_BadServerInEnvironment_ThrowsNamingTheVariable(string value)
    {
        _environment[UpdateServer.Variable] = value;
        Write("Path=%R/os", "");

        var ex = Assert.Throws<SysUpdateException>(Load);

        Assert.StartsWith($"{UpdateServer.Variable}={value}:", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Load_ServerNotNamed_ConfNotRead()
    {
        WriteConf("[Source]\nServer=not a url\n");
        Write("Path=https://updates.example.org/os", "");

        Assert.Equal("https://updates.example.org/os", Assert.Single(Load().Transfers).Source.Path);
    }

    private string Write(string pathLine, string extraLines)
    {
        string path = Path.Combine(_root, "etc/sysupdate.d/50-usr.transfer");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"""
            [Source]
            Type=url-file
            {pathLine}
            MatchPattern=usr_@v.raw
            {extraLines}

            [Target]
            Type=regular-file
            Path=/var/lib/images
            MatchPattern=usr_@v.raw
            """);
        return path;
    }

    private string WriteConf(string text)
    {
        string path = Path.Combine(_root, "etc/systemd/sysupdate.conf");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private Definitions Load() => Load(null);

    private Definitions Load(string? serverOption) => DefinitionLoader.Load(
        new DefinitionOptions { Root = _root, Server = new UpdateServer(_root, serverOption, name => _environment.GetValueOrDefault(name)) },
        new HostIdentity(_root));
}
