using SysUpdate.Core.Config;

namespace SysUpdate.Core.Tests.Config;

/// <summary><c>PartitionZeroFill=</c> in <c>[Target]</c>: a tristate — unset (or set empty) leaves the choice to the
/// partition type's default, any systemd boolean spelling sets it, anything else is refused at its file:line.</summary>
public sealed class PartitionZeroFillConfigTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sysupdate-zerofill-defs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("", null)]
    [InlineData("PartitionZeroFill=", null)]
    [InlineData("PartitionZeroFill=yes", true)]
    [InlineData("PartitionZeroFill=on", true)]
    [InlineData("PartitionZeroFill=1", true)]
    [InlineData("PartitionZeroFill=no", false)]
    [InlineData("PartitionZeroFill=false", false)]
    [InlineData("PartitionZeroFill=yes\nPartitionZeroFill=", null)]
    [InlineData("PartitionZeroFill=no\nPartitionZeroFill=true", true)]
    public void Load_PartitionZeroFill_ParsedAsTristate(string lines, bool? expected)
    {
        Write(lines);
        var transfer = Assert.Single(Load().Transfers);
        Assert.Equal(expected, transfer.PartitionZeroFill);
    }

    [Fact]
    public void Load_PartitionZeroFillInDropIn_OverridesTheFile()
    {
        Write("PartitionZeroFill=no");
        string dropIn = Path.Combine(_root, "etc/sysupdate.d/10-sig.transfer.d");
        Directory.CreateDirectory(dropIn);
        File.WriteAllText(Path.Combine(dropIn, "50-zero.conf"), "[Target]\nPartitionZeroFill=yes\n");
        Assert.True(Assert.Single(Load().Transfers).PartitionZeroFill);
    }

    [Fact]
    public void Load_PartitionZeroFillNotABoolean_ThrowsWithFileAndLine()
    {
        string path = Write("PartitionZeroFill=maybe");
        var ex = Assert.Throws<ConfigSyntaxException>(Load);
        Assert.Equal(path, ex.Location.Path);
        Assert.Equal(12, ex.Location.Line);
        Assert.DoesNotContain('\n', ex.Message);
    }

    private string Write(string targetLines)
    {
        string path = Path.Combine(_root, "etc/sysupdate.d/10-sig.transfer");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"""
            [Source]
            Type=regular-file
            Path=/srv/source
            MatchPattern=sig-@v.raw

            [Target]
            Type=partition
            Path=/var/lib/disk.raw
            MatchPattern=sig-@v
            MatchPartitionType=root-x86-64-verity-sig
            ReadOnly=no
            {targetLines}
            """);
        return path;
    }

    private Definitions Load() => DefinitionLoader.Load(new DefinitionOptions { Root = _root }, new HostIdentity(_root));
}
