using System.Text;
using SysUpdate.Core.Manifests;

namespace SysUpdate.Core.Tests.Manifests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Collection(nameof(SignatureVerifier))]
public sealed class SignatureVerifierTests : IClassFixture<GpgTestKeys>
{
    private const string Url = "https://example.invalid/os/SHA256SUMS";
    private static readonly byte[] ManifestBytes = Encoding.UTF8.GetBytes(
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef *usr_1.raw.xz\n");

    private readonly GpgTestKeys _keys;

    public SignatureVerifierTests(GpgTestKeys keys) => _keys = keys;

    [Fact]
    public async Task VerifyAsync_Ed25519BinarySignature_Succeeds()
    {
        byte[] signature = GpgTestKeys.Sign(_keys.Ed25519Home, ManifestBytes, armor: false);

        await new SignatureVerifier(keyring: _keys.Keyring).VerifyAsync(ManifestBytes, signature, Url);
    }

    [Fact]
    public async Task VerifyAsync_RsaArmoredSignature_Succeeds()
    {
        byte[] signature = GpgTestKeys.Sign(_keys.RsaHome, ManifestBytes, armor: true);
        Assert.StartsWith("-----BEGIN PGP SIGNATURE-----", Encoding.ASCII.GetString(signature));

        await new SignatureVerifier(keyring: _keys.Keyring).VerifyAsync(ManifestBytes, signature, Url);
    }

    [Fact]
    public async Task VerifyAsync_ForeignKey_Throws()
    {
        byte[] signature = GpgTestKeys.Sign(_keys.ForeignHome, ManifestBytes, armor: false);

        var error = await Assert.ThrowsAsync<SysUpdateException>(
            () => new SignatureVerifier(keyring: _keys.Keyring).VerifyAsync(ManifestBytes, signature, Url));

        Assert.Contains(Url, error.Message);
        Assert.Contains("Signature verification failed", error.Message);
        Assert.Contains(_keys.Keyring, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task VerifyAsync_TamperedManifest_Throws()
    {
        byte[] signature = GpgTestKeys.Sign(_keys.Ed25519Home, ManifestBytes, armor: true);
        byte[] tampered = (byte[])ManifestBytes.Clone();
        tampered[3] = (byte)'f';

        var error = await Assert.ThrowsAsync<SysUpdateException>(
            () => new SignatureVerifier(keyring: _keys.Keyring).VerifyAsync(tampered, signature, Url));

        Assert.Contains("Signature verification failed", error.Message);
        Assert.Equal(Errno.EBADMSG, error.Errno);
    }

    [Fact]
    public async Task VerifyAsync_GarbageSignature_Throws()
    {
        await Assert.ThrowsAsync<SysUpdateException>(
            () => new SignatureVerifier(keyring: _keys.Keyring).VerifyAsync(ManifestBytes, "not a signature"u8.ToArray(), Url));
        await Assert.ThrowsAsync<SysUpdateException>(
            () => new SignatureVerifier(keyring: _keys.Keyring).VerifyAsync(ManifestBytes, ReadOnlyMemory<byte>.Empty, Url));
    }

    [Fact]
    public async Task VerifyAsync_KeyringBelowRoot_UsesDefaultChain()
    {
        string root = Path.Join(_keys.WorkDirectory, "root-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Join(root, "usr/lib/systemd"));
        File.Copy(_keys.Keyring, Path.Join(root, "usr/lib/systemd/import-pubring.pgp"));
        byte[] signature = GpgTestKeys.Sign(_keys.Ed25519Home, ManifestBytes, armor: false);

        await new SignatureVerifier(root: root).VerifyAsync(ManifestBytes, signature, Url);
    }

    [Fact]
    public async Task VerifyAsync_NoKeyring_ThrowsEnokey()
    {
        string root = Path.Join(_keys.WorkDirectory, "empty-root-" + Guid.NewGuid().ToString("N"));
        byte[] signature = GpgTestKeys.Sign(_keys.Ed25519Home, ManifestBytes, armor: false);

        var error = await Assert.ThrowsAsync<SysUpdateException>(
            () => new SignatureVerifier(root: root).VerifyAsync(ManifestBytes, signature, Url));
        Assert.Equal(Errno.ENOKEY, error.Errno);
        Assert.Contains(Url, error.Message);

        var missing = await Assert.ThrowsAsync<SysUpdateException>(
            () => new SignatureVerifier(keyring: Path.Join(root, "missing.pgp")).VerifyAsync(ManifestBytes, signature, Url));
        Assert.Contains("missing.pgp", missing.Message);
    }

    [Fact]
    public async Task VerifyAsync_AlreadyCancelled_Throws()
    {
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new SignatureVerifier(keyring: _keys.Keyring).VerifyAsync(ManifestBytes, "sig"u8.ToArray(), Url, new CancellationToken(canceled: true)));
    }
}
