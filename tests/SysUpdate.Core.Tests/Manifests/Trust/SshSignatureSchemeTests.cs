using System.Text;
using SysUpdate.Core.Config;
using SysUpdate.Core.Manifests.Trust;
using SysUpdate.Core.Tests.Manifests;

namespace SysUpdate.Core.Tests.Manifests.Trust;

/// <summary>
/// <see cref="SshSignatureScheme"/> against signatures made by the real <c>ssh-keygen -Y sign</c>: which trusted keys
/// signed, the allowed_signers rules (options, several files, the environment's file), and the refusals.
/// </summary>
public sealed class SshSignatureSchemeTests : IDisposable
{
    private const string Url = "http://127.0.0.1/images/SHA256SUMS.sshsig";
    private static readonly byte[] Manifest = Encoding.UTF8.GetBytes(
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef *payload-v1.raw\n");

    private readonly string _dir = Directory.CreateTempSubdirectory("sysupdate-sshsig-").FullName;
    private readonly SshKeygen _ssh;

    public SshSignatureSchemeTests() => _ssh = new SshKeygen(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SshKeygenTheory]
    [InlineData("ed25519", null, null)]
    [InlineData("ed25519", null, "sha256")]
    [InlineData("ecdsa", 256, null)]
    [InlineData("ecdsa", 384, null)]
    [InlineData("ecdsa", 521, null)]
    [InlineData("rsa", 3072, null)]
    [InlineData("rsa", 3072, "sha256")]
    public async Task Find_SignedByTrustedKey_ReturnsItsSshKeygenFingerprint(string type, int? bits, string? hash)
    {
        string key = _ssh.CreateKey("vendor", type, bits);
        string allowed = WriteAllowedSigners(SshKeygen.AllowedSignersLine(key));
        byte[] signature = _ssh.Sign(key, Manifest, hashAlgorithm: hash);
        Assert.True(_ssh.OpenSshVerifies(allowed, signature, Manifest));

        var signers = await Scheme(allowed).FindTrustedSignersAsync(Manifest, signature, Url, default);

        Assert.Equal([_ssh.Fingerprint(key)], signers);
    }

    [SshKeygenFact]
    public async Task Find_TwoConcatenatedSignaturesByTrustedKeys_CountsBoth()
    {
        string old = _ssh.CreateKey("old");
        string next = _ssh.CreateKey("new", "ecdsa", 256);
        string allowed = WriteAllowedSigners(SshKeygen.AllowedSignersLine(old), SshKeygen.AllowedSignersLine(next));
        byte[] file = [.. _ssh.Sign(old, Manifest), .. _ssh.Sign(next, Manifest)];

        var signers = await Scheme(allowed).FindTrustedSignersAsync(Manifest, file, Url, default);

        Assert.Equal(new HashSet<string> { _ssh.Fingerprint(old), _ssh.Fingerprint(next) }, signers);
    }

    [SshKeygenFact]
    public async Task Find_SameKeySignedTwice_CountsOnce()
    {
        string key = _ssh.CreateKey("vendor");
        string allowed = WriteAllowedSigners(SshKeygen.AllowedSignersLine(key));
        byte[] file = [.. _ssh.Sign(key, Manifest), .. _ssh.Sign(key, Manifest, hashAlgorithm: "sha256")];

        var signers = await Scheme(allowed).FindTrustedSignersAsync(Manifest, file, Url, default);

        Assert.Single(signers);
    }

    [SshKeygenFact]
    public async Task Find_UnknownKey_NotCounted()
    {
        string trusted = _ssh.CreateKey("trusted");
        string stranger = _ssh.CreateKey("stranger");
        string allowed = WriteAllowedSigners(SshKeygen.AllowedSignersLine(trusted));
        byte[] file = [.. _ssh.Sign(stranger, Manifest), .. _ssh.Sign(trusted, Manifest)];

        var signers = await Scheme(allowed).FindTrustedSignersAsync(Manifest, file, Url, default);

        Assert.Equal([_ssh.Fingerprint(trusted)], signers);
        Assert.Empty(await Scheme(allowed).FindTrustedSignersAsync(Manifest, _ssh.Sign(stranger, Manifest), Url, default));
    }

    [SshKeygenFact]
    public async Task Find_TamperedManifest_BadSignatureOneLineNamingTheUrl()
    {
        string key = _ssh.CreateKey("vendor");
        string allowed = WriteAllowedSigners(SshKeygen.AllowedSignersLine(key));
        byte[] signature = _ssh.Sign(key, Manifest);
        byte[] tampered = [.. Manifest, .. "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210 *evil.raw\n"u8];
        Assert.False(_ssh.OpenSshVerifies(allowed, signature, tampered));

        var error = await Assert.ThrowsAsync<SysUpdateException>(() => Scheme(allowed).FindTrustedSignersAsync(tampered, signature, Url, default));

        Assert.Equal(Errno.EBADMSG, error.Errno);
        Assert.StartsWith(Url, error.Message, StringComparison.Ordinal);
        Assert.Contains(_ssh.Fingerprint(key), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [SshKeygenFact]
    public async Task Find_TrustedKeyOtherNamespace_Refused()
    {
        string key = _ssh.CreateKey("vendor");
        string allowed = WriteAllowedSigners(SshKeygen.AllowedSignersLine(key));
        byte[] signature = _ssh.Sign(key, Manifest, @namespace: "file");
        Assert.False(_ssh.OpenSshVerifies(allowed, signature, Manifest));

        var error = await Assert.ThrowsAsync<SysUpdateException>(() => Scheme(allowed).FindTrustedSignersAsync(Manifest, signature, Url, default));

        Assert.Contains("'file'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [SshKeygenTheory]
    [InlineData("namespaces=\"git,file\"", false)]
    [InlineData("namespaces=\"git,sysupdate\"", true)]
    [InlineData("namespaces=\"sys*\"", true)]
    [InlineData("namespaces=\"*,!sysupdate\"", false)]
    [InlineData("valid-before=\"20000101\"", false)]
    [InlineData("valid-after=\"20000101Z\",namespaces=\"sysupdate\"", true)]
    [InlineData("valid-after=\"29990101\"", false)]
    public async Task Find_KeyOptions_DecideWhetherTheKeyCounts(string options, bool counted)
    {
        string key = _ssh.CreateKey("vendor");
        string allowed = WriteAllowedSigners(SshKeygen.AllowedSignersLine(key, options));
        byte[] signature = _ssh.Sign(key, Manifest);
        Assert.Equal(counted, _ssh.OpenSshVerifies(allowed, signature, Manifest));

        var signers = await Scheme(allowed).FindTrustedSignersAsync(Manifest, signature, Url, default);

        Assert.Equal(counted, signers.Count == 1);
    }

    [SshKeygenFact]
    public async Task Find_CertAuthorityLine_SkippedWithWarningAndNoKeysLeft()
    {
        string ca = _ssh.CreateKey("ca");
        string allowed = WriteAllowedSigners("# vendor keys", "", SshKeygen.AllowedSignersLine(ca, "cert-authority"));
        var logger = new ListLogger();

        var error = await Assert.ThrowsAsync<SysUpdateException>(
            () => new SshSignatureScheme(null, allowed, logger).FindTrustedSignersAsync(Manifest, _ssh.Sign(ca, Manifest), Url, default));

        Assert.Equal(Errno.ENOKEY, error.Errno);
        Assert.Contains(logger.Warnings, m => m.Contains($"{allowed}:3", StringComparison.Ordinal) && m.Contains("cert-authority", StringComparison.Ordinal));
    }

    [SshKeygenFact]
    public async Task Find_DefaultFilesBelowRoot_AllConsulted()
    {
        string root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;
        string local = _ssh.CreateKey("local");
        string vendor = _ssh.CreateKey("vendor");
        WriteFile(Path.Combine(root, "etc/systemd/import-allowed-signers"), SshKeygen.AllowedSignersLine(local));
        WriteFile(Path.Combine(root, "usr/lib/systemd/import-allowed-signers"), SshKeygen.AllowedSignersLine(vendor));
        byte[] file = [.. _ssh.Sign(local, Manifest), .. _ssh.Sign(vendor, Manifest)];

        var signers = await new SshSignatureScheme(root, null).FindTrustedSignersAsync(Manifest, file, Url, default);

        Assert.Equal(2, signers.Count);
    }

    [SshKeygenFact]
    public async Task Find_OverrideFile_ReplacesDefaultFiles()
    {
        string root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;
        string vendor = _ssh.CreateKey("vendor");
        string other = _ssh.CreateKey("other");
        WriteFile(Path.Combine(root, "usr/lib/systemd/import-allowed-signers"), SshKeygen.AllowedSignersLine(vendor));
        string allowed = WriteAllowedSigners(SshKeygen.AllowedSignersLine(other));

        var signers = await new SshSignatureScheme(root, allowed).FindTrustedSignersAsync(Manifest, _ssh.Sign(vendor, Manifest), Url, default);

        Assert.Empty(signers);
    }

    [Fact]
    public async Task Find_NoAllowedSigners_OneLineNamingTheFiles()
    {
        string root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;

        var error = await Assert.ThrowsAsync<SysUpdateException>(
            () => new SshSignatureScheme(root, null).FindTrustedSignersAsync(Manifest, "x"u8.ToArray(), Url, default));

        Assert.Equal(Errno.ENOKEY, error.Errno);
        Assert.Contains(Path.Combine(root, "etc/systemd/import-allowed-signers"), error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(root, "usr/lib/systemd/import-allowed-signers"), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("release@vendor.invalid")]
    [InlineData("release@vendor.invalid ssh-ed25519")]
    [InlineData("release@vendor.invalid ssh-ed25519 !!!notbase64")]
    [InlineData("release@vendor.invalid ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("release@vendor.invalid ssh-dss AAAAB3NzaC1kc3MAAAAA")]
    [InlineData("release@vendor.invalid no-touch-required ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("release@vendor.invalid valid-after=\"yesterday\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void AllowedSigners_MalformedLine_ErrorWithFileAndLine(string line)
    {
        var error = Assert.Throws<ConfigSyntaxException>(() => AllowedSignersFile.Parse("/etc/systemd/import-allowed-signers", "# keys\n" + line + "\n", []));

        Assert.Equal(new SourceLocation("/etc/systemd/import-allowed-signers", 2), error.Location);
        Assert.DoesNotContain('\n', error.Message);
    }

    private SshSignatureScheme Scheme(string allowedSigners) => new(null, allowedSigners);

    private string WriteAllowedSigners(params string[] lines)
    {
        string path = Path.Combine(_dir, $"allowed-signers-{Guid.NewGuid():N}");
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }

    private static void WriteFile(string path, string line)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, line + "\n");
    }
}
