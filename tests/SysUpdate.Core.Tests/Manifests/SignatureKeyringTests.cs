using System.Security.Cryptography;
using System.Text;
using SysUpdate.Core.Manifests;

namespace SysUpdate.Core.Tests.Manifests;

/// <summary>
/// The keyring rules of systemd 262.1 with real gpg keys: the default keyrings are consulted together, the
/// environment's keyring replaces them, and a subkey known only from the key block inside the signature verifies
/// when (and only when) its primary key is trusted, without any keyring file being written.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
// SignatureVerifierTests counts gpg temporary homes in the temp directory: the two classes must not run at once.
[Collection(nameof(SignatureVerifier))]
public sealed class SignatureKeyringTests(GpgSubkeyTestKeys keys) : IClassFixture<GpgSubkeyTestKeys>
{
    private const string Url = "file:///srv/os/SHA256SUMS";
    private static readonly byte[] ManifestBytes = Encoding.UTF8.GetBytes(
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef *payload-v1.raw\n");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task VerifyAsync_SubkeyOnlyInEmbeddedKeyBlock_VerifiesWithoutWritingTheKeyring(bool armor)
    {
        string keyring = CopyToFreshFile(keys.TrustedKeyringWithoutSubkey);
        byte[] before = SHA256.HashData(File.ReadAllBytes(keyring));
        byte[] signature = GpgSubkeyTestKeys.Sign(keys.TrustedHome, ManifestBytes, includeKeyBlock: true, armor);

        await new SignatureVerifier(keyring: keyring).VerifyAsync(ManifestBytes, signature, Url);

        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(keyring)));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(keyring)!));
    }

    [Fact]
    public async Task VerifyAsync_SubkeyUnknownAndNoKeyBlock_Fails()
    {
        byte[] signature = GpgSubkeyTestKeys.Sign(keys.TrustedHome, ManifestBytes, includeKeyBlock: false);

        var error = await Assert.ThrowsAsync<SysUpdateException>(
            () => new SignatureVerifier(keyring: keys.TrustedKeyringWithoutSubkey).VerifyAsync(ManifestBytes, signature, Url));

        Assert.Equal(Errno.EBADMSG, error.Errno);
    }

    [Fact]
    public async Task VerifyAsync_ForeignKeyCarryingItsKeyBlock_Rejected()
    {
        byte[] signature = GpgSubkeyTestKeys.Sign(keys.ForeignHome, ManifestBytes, includeKeyBlock: true);

        var error = await Assert.ThrowsAsync<SysUpdateException>(
            () => new SignatureVerifier(keyring: keys.TrustedKeyringWithoutSubkey).VerifyAsync(ManifestBytes, signature, Url));

        Assert.Equal(Errno.EBADMSG, error.Errno);
        Assert.Contains(keys.TrustedKeyringWithoutSubkey, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task VerifyAsync_ForeignSubkeyGraftedOntoTrustedPrimary_Rejected()
    {
        // The premise the merge relies on: gpg checks a subkey's binding signature against the primary it sits under.
        // A keyring holding the trusted primary with the foreign subkey (and the foreign binding) must not verify.
        Assert.True(OpenPgpPacketReader.TryReadAll(File.ReadAllBytes(keys.TrustedKeyringWithoutSubkey), out var trusted));
        Assert.True(OpenPgpPacketReader.TryReadAll(File.ReadAllBytes(keys.ForeignKeyring), out var foreign));
        int subkey = foreign.FindIndex(p => p.Tag == OpenPgpPacket.PublicSubkeyTag);
        Assert.True(subkey > 0);
        string grafted = Path.Join(keys.WorkDirectory, "grafted-" + Guid.NewGuid().ToString("N") + ".gpg");
        File.WriteAllBytes(grafted, [.. trusted.Concat(foreign.Skip(subkey)).SelectMany(p => p.Raw.ToArray())]);
        byte[] signature = GpgSubkeyTestKeys.Sign(keys.ForeignHome, ManifestBytes, includeKeyBlock: false);

        await Assert.ThrowsAsync<SysUpdateException>(
            () => new SignatureVerifier(keyring: grafted).VerifyAsync(ManifestBytes, signature, Url));
    }

    [Fact]
    public async Task VerifyAsync_DefaultKeyrings_ConsultedTogether_EnvironmentKeyringReplacesThem()
    {
        // As test_signature_keyring_overlay: user key in the legacy /etc .gpg, vendor key in /usr/lib.
        string root = NewRoot();
        Install(keys.UserKeyring, root, "etc/systemd/import-pubring.gpg");
        Install(keys.VendorKeyring, root, "usr/lib/systemd/import-pubring.pgp");
        byte[] byVendor = GpgSubkeyTestKeys.Sign(keys.VendorHome, ManifestBytes, includeKeyBlock: true);
        byte[] byUser = GpgSubkeyTestKeys.Sign(keys.UserHome, ManifestBytes, includeKeyBlock: true);
        byte[] byForeign = GpgSubkeyTestKeys.Sign(keys.ForeignHome, ManifestBytes, includeKeyBlock: true);

        await new SignatureVerifier(root: root).VerifyAsync(ManifestBytes, byVendor, Url);
        await new SignatureVerifier(root: root).VerifyAsync(ManifestBytes, byUser, Url);
        await Assert.ThrowsAsync<SysUpdateException>(() => new SignatureVerifier(root: root).VerifyAsync(ManifestBytes, byForeign, Url));
        await Assert.ThrowsAsync<SysUpdateException>(
            () => new SignatureVerifier(root: root, keyring: keys.ForeignKeyring).VerifyAsync(ManifestBytes, byVendor, Url));

        // The user key moves to the new /etc .pgp name and the legacy file goes: still consulted with the vendor's.
        File.Delete(Path.Join(root, "etc/systemd/import-pubring.gpg"));
        Install(keys.UserKeyring, root, "etc/systemd/import-pubring.pgp");
        await new SignatureVerifier(root: root).VerifyAsync(ManifestBytes, byUser, Url);
        await new SignatureVerifier(root: root).VerifyAsync(ManifestBytes, byVendor, Url);
    }

    [Fact]
    public void ResolveKeyrings_AllExistingDefaultsInOrder_OverrideAlone()
    {
        string root = NewRoot();
        var verifier = new SignatureVerifier(root: root);
        Assert.Empty(verifier.ResolveKeyrings());

        Install(keys.VendorKeyring, root, "usr/lib/systemd/import-pubring.pgp");
        Install(keys.UserKeyring, root, "etc/systemd/import-pubring.pgp");
        Assert.Equal(
            [Path.Join(root, "/etc/systemd/import-pubring.pgp"), Path.Join(root, "/usr/lib/systemd/import-pubring.pgp")],
            verifier.ResolveKeyrings());

        Install(keys.UserKeyring, root, "etc/systemd/import-pubring.gpg");
        Assert.Equal(3, verifier.ResolveKeyrings().Count);

        Assert.Equal(["/explicit/ring.pgp"], new SignatureVerifier(root: root, keyring: "/explicit/ring.pgp").ResolveKeyrings());
    }

    [Theory]
    [InlineData("relative/ring.pgp")]
    [InlineData("/etc/../tmp/ring.pgp")]
    [InlineData("/etc//ring.pgp")]
    public async Task VerifyAsync_EnvironmentKeyringNotAbsoluteNormalized_RefusedEinval(string keyring)
    {
        byte[] signature = GpgSubkeyTestKeys.Sign(keys.VendorHome, ManifestBytes, includeKeyBlock: false);

        var error = await Assert.ThrowsAsync<SysUpdateException>(
            () => new SignatureVerifier(keyring: keyring).VerifyAsync(ManifestBytes, signature, Url));

        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains(keyring, error.Message);
    }

    [Fact]
    public void Merge_KeyBlockOfUntrustedPrimary_AddsNothing()
    {
        byte[] signature = GpgSubkeyTestKeys.Sign(keys.ForeignHome, ManifestBytes, includeKeyBlock: true);

        Assert.Null(EmbeddedKeyBlockMerger.Merge([File.ReadAllBytes(keys.TrustedKeyringWithoutSubkey)], signature));
    }

    [Fact]
    public void Merge_SubkeyAlreadyTrusted_AddsNothing()
    {
        byte[] signature = GpgSubkeyTestKeys.Sign(keys.TrustedHome, ManifestBytes, includeKeyBlock: true);

        Assert.Null(EmbeddedKeyBlockMerger.Merge([File.ReadAllBytes(keys.TrustedKeyringWithSubkey)], signature));
        byte[]? merged = EmbeddedKeyBlockMerger.Merge([File.ReadAllBytes(keys.TrustedKeyringWithoutSubkey)], signature);
        Assert.NotNull(merged);
        Assert.True(OpenPgpPacketReader.TryReadAll(merged, out var packets));
        Assert.Equal(OpenPgpPacket.PublicKeyTag, packets[0].Tag);
        Assert.Single(packets, p => p.Tag == OpenPgpPacket.PublicKeyTag);
        Assert.Single(packets, p => p.Tag == OpenPgpPacket.PublicSubkeyTag);
    }

    private string NewRoot() => Directory.CreateDirectory(Path.Join(keys.WorkDirectory, "root-" + Guid.NewGuid().ToString("N"))).FullName;

    private string CopyToFreshFile(string keyring)
    {
        string directory = Directory.CreateDirectory(Path.Join(keys.WorkDirectory, "ring-" + Guid.NewGuid().ToString("N"))).FullName;
        string copy = Path.Join(directory, "import-pubring.pgp");
        File.Copy(keyring, copy);
        return copy;
    }

    private static void Install(string keyring, string root, string relative)
    {
        string path = Path.Join(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(keyring, path, overwrite: true);
    }
}
