using SysUpdate.Core.Config;

namespace SysUpdate.Core.Tests.Config;

public sealed class DefinitionLoaderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sysupdate-defs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string relative, string text)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static string TransferText(string pattern = "foo-@v.raw", string extra = "") => $"""
        [Source]
        Type=regular-file
        Path=/srv/source
        MatchPattern={pattern}

        [Target]
        Type=regular-file
        Path=/var/lib/target
        {extra}
        """;

    private Definitions Load(string? component = null) =>
        DefinitionLoader.Load(new DefinitionOptions { Root = _root, Component = component }, new HostIdentity(_root));

    [Fact]
    public void Load_HigherPriorityDirectoryShadowsSameName_SortedByFileName()
    {
        Write("usr/lib/sysupdate.d/20-b.transfer", TransferText("b-@v"));
        Write("usr/lib/sysupdate.d/10-a.transfer", TransferText("lib-@v"));
        Write("etc/sysupdate.d/10-a.transfer", TransferText("etc-@v"));
        Write("run/sysupdate.d/05-z.transfer", TransferText("z-@v"));

        var defs = Load();

        Assert.Equal(["05-z", "10-a", "20-b"], defs.Transfers.Select(t => t.Id));
        Assert.Equal("etc-@v", defs.Transfers[1].Source.Patterns[0].Text);
    }

    [Fact]
    public void Load_SymlinkToDevNull_MasksDefinition()
    {
        Write("usr/lib/sysupdate.d/10-a.transfer", TransferText());
        Directory.CreateDirectory(Path.Combine(_root, "etc/sysupdate.d"));
        File.CreateSymbolicLink(Path.Combine(_root, "etc/sysupdate.d/10-a.transfer"), "/dev/null");

        Assert.Empty(Load().Transfers);
    }

    [Fact]
    public void Load_DropInOverridesKeyAndTargetPatternDefaultsToSource()
    {
        Write("usr/lib/sysupdate.d/10-a.transfer", TransferText("**/foo-@v.raw"));
        Write("etc/sysupdate.d/10-a.transfer.d/50-mode.conf", "[Target]\nMode=0444\nInstancesMax=1\n");

        var defs = Load();
        var t = Assert.Single(defs.Transfers);
        Assert.Equal(Convert.ToUInt32("444", 8), t.Mode);
        Assert.Equal(2ul, t.InstancesMax); // 1 is bumped to 2
        Assert.Equal("foo-@v.raw", Assert.Single(t.Target.Patterns).Text); // glob prefix stripped
        Assert.Contains(defs.Diagnostics, d => d.Message.Contains("bumping", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_NoTransferFiles_FallsBackToLegacyConf()
    {
        Write("etc/sysupdate.d/10-a.conf", TransferText());
        var defs = Load();
        Assert.Equal("10-a", Assert.Single(defs.Transfers).Id);
        Assert.Contains(defs.Diagnostics, d => d.Message.Contains(".transfer", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_FeatureGatesTransfers()
    {
        Write("etc/sysupdate.d/10-base.transfer", TransferText("base-@v"));
        Write("etc/sysupdate.d/20-opt.transfer", "[Transfer]\nFeatures=optional\n" + TransferText("opt-@v"));
        Write("etc/sysupdate.d/30-req.transfer", "[Transfer]\nRequisiteFeatures=optional other\n" + TransferText("req-@v"));
        Write("etc/sysupdate.d/optional.feature", "[Feature]\nDescription=Optional\n");

        var defs = Load();
        Assert.Equal(["10-base"], defs.EnabledTransfers.Select(t => t.Id));

        Write("etc/sysupdate.d/optional.feature.d/enable.conf", "[Feature]\nEnabled=yes\n");
        defs = Load();
        Assert.Equal(["10-base", "20-opt"], defs.EnabledTransfers.Select(t => t.Id)); // 'other' does not exist
    }

    [Fact]
    public void Load_Component_ReadsItsOwnDirectoryAndMetadata()
    {
        Write("usr/lib/sysupdate.kernel.d/10-k.transfer", TransferText("k-@v"));
        Write("usr/lib/sysupdate.kernel.component", "[Component]\nDescription=Kernel\nEnabled=no\n");
        Write("etc/sysupdate.d/10-a.transfer", TransferText());

        var defs = Load("kernel");
        Assert.Equal("10-k", Assert.Single(defs.Transfers).Id);
        Assert.Equal("Kernel", defs.Component?.Description);
        Assert.False(defs.Component?.Enabled);
        Assert.Equal(["kernel"], DefinitionLoader.EnumerateComponents(_root));
    }

    [Fact]
    public void Load_SpecifiersExpandFromRootOsRelease()
    {
        Write("etc/os-release", "ID=demo\nIMAGE_VERSION=\"7.1\"\n");
        Write("etc/sysupdate.d/10-a.transfer", "[Transfer]\nProtectVersion=%A\n" + TransferText("foo_%a-@v.raw"));
        var t = Assert.Single(Load().Transfers);
        Assert.Equal(["7.1"], t.ProtectVersions);
        Assert.Equal($"foo_{HostIdentity.Architecture}-@v.raw", t.Source.Patterns[0].Text);
    }

    [Fact]
    public void Load_ContinuationLinesAndQuotedPatterns()
    {
        Write("etc/sysupdate.d/10-a.transfer", """
            [Source]
            Type=regular-file
            Path=/srv/source
            MatchPattern=a-@v.raw \
                         "b @v.raw"
            [Target]
            Path=/dev/sda
            """);
        var t = Assert.Single(Load().Transfers);
        Assert.Equal(["a-@v.raw", "b @v.raw"], t.Source.Patterns.Select(p => p.Text));
        Assert.Equal(ResourceType.Partition, t.Target.Type); // derived from /dev/ path
        Assert.Equal(ulong.MaxValue, t.InstancesMax);
    }

    [Theory]
    [InlineData("Type=regular-file", "Type=floppy", 2)]
    [InlineData("MatchPattern=foo-@v.raw", "MatchPattern=foo-@v@u.raw", 4)]
    [InlineData("Path=/srv/source", "Path=srv/source", 3)]
    [InlineData("Path=/var/lib/target", "Path=/var/lib/../target", 8)]
    public void Load_BadValue_ThrowsWithFileAndLine(string good, string bad, int line)
    {
        string path = Write("etc/sysupdate.d/10-a.transfer", TransferText().Replace(good, bad, StringComparison.Ordinal));
        var ex = Assert.Throws<ConfigSyntaxException>(() => Load());
        Assert.Equal(path, ex.Location.Path);
        Assert.Equal(line, ex.Location.Line);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
