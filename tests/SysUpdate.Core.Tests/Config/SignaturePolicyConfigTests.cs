using SysUpdate.Core.Config;
using SysUpdate.Core.Manifests.Trust;

namespace SysUpdate.Core.Tests.Config;

/// <summary>
/// <c>[Transfer] SignatureScheme=</c> and <c>SignatureThreshold=</c> in a transfer and as defaults in
/// <c>sysupdate.conf</c>: parsing, file:line errors, and which setting wins.
/// </summary>
public sealed class SignaturePolicyConfigTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sysupdate-sigpolicy-defs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Resolve_NothingSet_IsSystemdDefault()
    {
        Write("");

        Assert.Same(ManifestTrustPolicy.Default, Resolve());
        Assert.Equal(["openpgp"], ManifestTrustPolicy.Default.Schemes);
        Assert.Equal(1, ManifestTrustPolicy.Default.Threshold);
    }

    [Theory]
    [InlineData("SignatureScheme=ssh", "ssh", 1)]
    [InlineData("SignatureScheme=openpgp ssh\nSignatureThreshold=2", "openpgp ssh", 2)]
    [InlineData("SignatureScheme=ssh\nSignatureScheme=openpgp-inline ssh", "ssh openpgp-inline", 1)]
    [InlineData("SignatureScheme=ssh\nSignatureScheme=\nSignatureScheme=openpgp-inline", "openpgp-inline", 1)]
    [InlineData("SignatureThreshold=3\nSignatureThreshold=", "openpgp", 1)]
    public void Resolve_TransferKeys_Parsed(string lines, string schemes, int threshold)
    {
        Write(lines);

        var policy = Resolve();

        Assert.Equal(schemes.Split(' '), policy.Schemes);
        Assert.Equal(threshold, policy.Threshold);
    }

    [Fact]
    public void Resolve_ConfDefaults_UsedWhenTheTransferSetsNothing()
    {
        Write("");
        WriteConf("[Transfer]\nSignatureScheme=openpgp\nSignatureScheme=ssh\nSignatureThreshold=2\n");

        Assert.Equal(new ManifestTrustPolicy(["openpgp", "ssh"], 2), Resolve());
    }

    [Fact]
    public void Resolve_TransferSetting_WinsPerKey()
    {
        Write("SignatureScheme=ssh");
        WriteConf("[Transfer]\nSignatureScheme=openpgp\nSignatureThreshold=2\n");

        Assert.Equal(new ManifestTrustPolicy(["ssh"], 2), Resolve());
    }

    [Theory]
    [InlineData("SignatureScheme=minisign")]
    [InlineData("SignatureScheme=openpgp gpg")]
    [InlineData("SignatureScheme=\"ssh")]
    [InlineData("SignatureThreshold=0")]
    [InlineData("SignatureThreshold=-1")]
    [InlineData("SignatureThreshold=two")]
    [InlineData("SignatureThreshold=65")]
    public void Load_BadValue_ThrowsWithFileAndLine(string line)
    {
        string path = Write(line);

        var ex = Assert.Throws<ConfigSyntaxException>(Load);

        Assert.Equal(new SourceLocation(path, 2), ex.Location);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Resolve_BadValueInConf_ThrowsWithFileAndLine()
    {
        Write("");
        string conf = WriteConf("[Transfer]\nSignatureThreshold=none\n");

        var ex = Assert.Throws<ConfigSyntaxException>(Resolve);

        Assert.Equal(new SourceLocation(conf, 2), ex.Location);
    }

    private ManifestTrustPolicy Resolve() =>
        ManifestTrustSettings.Resolve(Assert.Single(Load().Transfers), SysUpdateConf.Load(_root));

    private string WriteConf(string text)
    {
        string path = Path.Combine(_root, "etc/systemd/sysupdate.conf");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private string Write(string transferLines)
    {
        string path = Path.Combine(_root, "etc/sysupdate.d/50-usr.transfer");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"""
            [Transfer]
            {transferLines}

            [Source]
            Type=url-file
            Path=https://updates.example.org/os
            MatchPattern=usr_@v.raw

            [Target]
            Type=regular-file
            Path=/var/lib/images
            MatchPattern=usr_@v.raw
            """);
        return path;
    }

    private Definitions Load() => DefinitionLoader.Load(new DefinitionOptions { Root = _root }, new HostIdentity(_root));
}
