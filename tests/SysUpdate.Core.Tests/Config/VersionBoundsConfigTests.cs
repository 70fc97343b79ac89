using SysUpdate.Core.Config;

namespace SysUpdate.Core.Tests.Config;

/// <summary><c>[Transfer] MaxVersion=</c> and <c>[Component] MinVersion=/MaxVersion=/ProtectVersion=</c>:
/// parsed, combined with the transfer's own bounds, and refused with file:line when unusable.</summary>
public sealed class VersionBoundsConfigTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sysupdate-bounds-defs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string relative, string text)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private string WriteTransfer(string directory, string transferSection) => Write($"etc/{directory}/50-usr.transfer",
        $"[Transfer]\n{transferSection}\n\n[Source]\nType=regular-file\nPath=/src\nMatchPattern=usr_@v.raw\n\n"
        + "[Target]\nType=regular-file\nPath=/var/lib/images\nMatchPattern=usr_@v.raw\n");

    private Definitions Load(string? component = null) =>
        DefinitionLoader.Load(new DefinitionOptions { Root = _root, Component = component }, new HostIdentity(_root));

    [Theory]
    [InlineData("", null, null)]
    [InlineData("MaxVersion=2.0", null, "2.0")]
    [InlineData("MinVersion=1.0\nMaxVersion=2.0", "1.0", "2.0")]
    [InlineData("MinVersion=2.0\nMaxVersion=2.0", "2.0", "2.0")]
    [InlineData("MaxVersion=2.0\nMaxVersion=", null, null)]
    [InlineData("MaxVersion=1.0\nMaxVersion=3.0\nMinVersion=2.0", "2.0", "3.0")]
    public void Load_TransferBounds_Parsed(string lines, string? min, string? max)
    {
        WriteTransfer("sysupdate.d", lines);
        var transfer = Assert.Single(Load().Transfers);
        Assert.Equal(min, transfer.MinVersion);
        Assert.Equal(max, transfer.MaxVersion);
    }

    [Theory]
    [InlineData("MinVersion=2.0\nMaxVersion=1.9", 3)]
    [InlineData("MaxVersion=1.0\nMinVersion=1.1", 2)]
    [InlineData("MaxVersion=1.0/x", 2)]
    [InlineData("MaxVersion=a b", 2)]
    public void Load_BadTransferBound_ThrowsWithFileAndLine(string lines, int line)
    {
        string path = WriteTransfer("sysupdate.d", lines);
        var ex = Assert.Throws<ConfigSyntaxException>(() => Load());
        Assert.Equal(path, ex.Location.Path);
        Assert.Equal(line, ex.Location.Line);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Load_ComponentBounds_NarrowEachTransferAndJoinProtected()
    {
        WriteTransfer("sysupdate.c.d", "MinVersion=1.0\nMaxVersion=5.0\nProtectVersion=0.9");
        Write("etc/sysupdate.c.component", "[Component]\nMinVersion=2.0\nMaxVersion=6.0\nProtectVersion=1.5 1.6\n");

        var definitions = Load("c");

        var transfer = Assert.Single(definitions.Transfers);
        Assert.Equal("2.0", transfer.MinVersion);
        Assert.Equal("5.0", transfer.MaxVersion);
        Assert.Equal(["0.9", "1.5", "1.6"], transfer.ProtectVersions);
        Assert.Equal("2.0", definitions.Component!.MinVersion);
        Assert.Equal("6.0", definitions.Component.MaxVersion);
        Assert.Equal(["1.5", "1.6"], definitions.Component.ProtectVersions);
    }

    [Fact]
    public void ParseComponent_DropInResetsProtectVersion()
    {
        string main = Write("etc/sysupdate.c.component", "[Component]\nProtectVersion=1 2\nMaxVersion=3\n");
        string dropIn = Write("etc/sysupdate.c.component.d/10-reset.conf", "[Component]\nProtectVersion=\nProtectVersion=4\n");

        var component = ComponentParser.Parse("c", [main, dropIn], new SpecifierExpander(new HostIdentity(_root)), []);

        Assert.Equal(["4"], component.ProtectVersions);
        Assert.Equal("3", component.MaxVersion);
    }

    [Theory]
    [InlineData("MaxVersion=1\nMinVersion=2", 2)]
    [InlineData("MinVersion=not valid", 2)]
    [InlineData("ProtectVersion=ok bad/one", 2)]
    public void ParseComponent_BadBound_ThrowsWithFileAndLine(string lines, int line)
    {
        string path = Write("etc/sysupdate.c.component", $"[Component]\n{lines}\n");
        var ex = Assert.Throws<ConfigSyntaxException>(() =>
            ComponentParser.Parse("c", [path], new SpecifierExpander(new HostIdentity(_root)), []));
        Assert.Equal(path, ex.Location.Path);
        Assert.Equal(line, ex.Location.Line);
    }
}
