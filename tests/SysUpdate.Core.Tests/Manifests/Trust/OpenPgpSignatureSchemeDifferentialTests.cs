using System.Text;
using SysUpdate.Core.Manifests.Trust;

namespace SysUpdate.Core.Tests.Manifests.Trust;

/// <summary>
/// Each case signs with real gpg, then asserts that gpg (invoked as systemd-pull 262.1 invokes it) and
/// <see cref="OpenPgpSignatureScheme"/> reach the same verdict with the same keyrings, and what that verdict is.
/// The one deliberate difference (a signature by an unknown key next to a trusted one) is asserted as such.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class OpenPgpSignatureSchemeDifferentialTests(GpgDifferentialKeys keys) : IClassFixture<GpgDifferentialKeys>
{
    private const string Url = "http://127.0.0.1/os/SHA256SUMS.gpg";
    private static readonly byte[] Manifest = GpgDifferentialKeys.Manifest;

    [GpgFact]
    public Task Ed25519Binary_Accepted() =>
        AssertSameAsGpgAsync(true, Manifest, GpgDifferentialKeys.Sign(keys.Ed25519Home, Manifest), keys.TrustedKeyring);

    [GpgFact]
    public Task RsaArmored_Accepted() =>
        AssertSameAsGpgAsync(true, Manifest, GpgDifferentialKeys.Sign(keys.RsaHome, Manifest, "--armor"), keys.TrustedKeyring);

    [GpgFact]
    public async Task TextMode_CanonicalLineEndingsAccepted_TrailingWhitespaceSigned()
    {
        byte[] crlf = Encoding.UTF8.GetBytes("abc *a.raw  \r\ndef *b.raw\t\r\r\nlast *c.raw ");
        byte[] signature = GpgDifferentialKeys.Sign(keys.Ed25519Home, crlf, "--textmode");

        await AssertSameAsGpgAsync(true, crlf, signature, keys.TrustedKeyring);
        await AssertSameAsGpgAsync(true, Encoding.UTF8.GetBytes("abc *a.raw  \ndef *b.raw\t\nlast *c.raw "), signature, keys.TrustedKeyring);
        await AssertSameAsGpgAsync(false, Encoding.UTF8.GetBytes("abc *a.raw\ndef *b.raw\nlast *c.raw"), signature, keys.TrustedKeyring);
        await AssertSameAsGpgAsync(false, Encoding.UTF8.GetBytes("abc *a.raw  \ndef *b.raw\t\nlast *c.raw \n"), signature, keys.TrustedKeyring);
    }

    [GpgFact]
    public Task SubkeyInKeyring_Accepted() =>
        AssertSameAsGpgAsync(true, Manifest, GpgDifferentialKeys.Sign(keys.SubkeyHome, Manifest), keys.SubkeyFullKeyring);

    [GpgFact]
    public async Task SubkeyOnlyEmbeddedInSignature_Accepted()
    {
        byte[] signature = GpgDifferentialKeys.Sign(keys.SubkeyHome, Manifest, "--include-key-block");

        await AssertSameAsGpgAsync(true, Manifest, signature, keys.SubkeyPrimaryOnlyKeyring);
        IReadOnlySet<string> signers = await Scheme(keys.SubkeyPrimaryOnlyKeyring).FindTrustedSignersAsync(Manifest, signature, Url, default);
        Assert.Equal([PrimaryFingerprint(keys.SubkeyPrimaryOnlyKeyring)], signers);
    }

    [GpgFact]
    public Task SubkeyUnknownWithoutKeyBlock_Refused() =>
        AssertSameAsGpgAsync(false, Manifest, GpgDifferentialKeys.Sign(keys.SubkeyHome, Manifest), keys.SubkeyPrimaryOnlyKeyring);

    [GpgFact]
    public async Task TamperedManifest_Refused()
    {
        byte[] signature = GpgDifferentialKeys.Sign(keys.Ed25519Home, Manifest);
        byte[] tampered = (byte[])Manifest.Clone();
        tampered[5] ^= 1;

        await AssertSameAsGpgAsync(false, tampered, signature, keys.TrustedKeyring);
        var error = await Assert.ThrowsAsync<SysUpdateException>(() => Scheme(keys.TrustedKeyring).FindTrustedSignersAsync(tampered, signature, Url, default));
        Assert.Equal(Errno.EBADMSG, error.Errno);
        Assert.Contains(Url, error.Message);
        Assert.Contains(keys.TrustedKeyring, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [GpgFact]
    public async Task ForeignKey_Refused()
    {
        await AssertSameAsGpgAsync(false, Manifest, GpgDifferentialKeys.Sign(keys.ForeignHome, Manifest), keys.TrustedKeyring);
        await AssertSameAsGpgAsync(false, Manifest, GpgDifferentialKeys.Sign(keys.ForeignHome, Manifest, "--include-key-block"), keys.TrustedKeyring);
    }

    [GpgFact]
    public Task ExpiredKey_GoodSignatureMadeBeforeExpiry_Accepted() =>
        AssertSameAsGpgAsync(true, Manifest, keys.ExpiredKeySignature, keys.ExpiredKeyring);

    [GpgFact]
    public Task RevokedKey_GoodSignature_AcceptedAsGpgDoes() =>
        AssertSameAsGpgAsync(true, Manifest, keys.RevokedKeySignature, keys.RevokedKeyring);

    [GpgFact]
    public async Task ExpiredSignature_Refused()
    {
        byte[] signature = GpgDifferentialKeys.Sign(keys.OldHome, Manifest, "--faked-system-time", "20200101T000000", "--default-sig-expire", "1d");
        byte[] current = GpgDifferentialKeys.Sign(keys.OldHome, Manifest, "--default-sig-expire", "1y");

        await AssertSameAsGpgAsync(false, Manifest, signature, keys.OldKeyring);
        await AssertSameAsGpgAsync(true, Manifest, current, keys.OldKeyring);
    }

    [GpgFact]
    public Task Sha1Digest_Accepted() =>
        AssertSameAsGpgAsync(true, Manifest, GpgDifferentialKeys.Sign(keys.RsaHome, Manifest, "--digest-algo", "SHA1"), keys.TrustedKeyring);

    [GpgFact]
    public async Task TwoKeyrings_EitherKeyAccepted()
    {
        await AssertSameAsGpgAsync(true, Manifest, GpgDifferentialKeys.Sign(keys.Ed25519Home, Manifest), keys.Ed25519Keyring, keys.RsaKeyring);
        await AssertSameAsGpgAsync(true, Manifest, GpgDifferentialKeys.Sign(keys.RsaHome, Manifest), keys.Ed25519Keyring, keys.RsaKeyring);
        await AssertSameAsGpgAsync(false, Manifest, GpgDifferentialKeys.Sign(keys.ForeignHome, Manifest), keys.Ed25519Keyring, keys.RsaKeyring);
    }

    [GpgFact]
    public async Task TruncatedGarbageEmpty_Refused()
    {
        byte[] signature = GpgDifferentialKeys.Sign(keys.Ed25519Home, Manifest);
        byte[] armored = GpgDifferentialKeys.Sign(keys.Ed25519Home, Manifest, "--armor");

        await AssertSameAsGpgAsync(false, Manifest, signature[..(signature.Length / 2)], keys.TrustedKeyring);
        await AssertSameAsGpgAsync(false, Manifest, signature[..^1], keys.TrustedKeyring);
        await AssertSameAsGpgAsync(false, Manifest, armored[..(armored.Length / 2)], keys.TrustedKeyring);
        await AssertSameAsGpgAsync(false, Manifest, "not a signature\n"u8.ToArray(), keys.TrustedKeyring);
        await AssertSameAsGpgAsync(false, Manifest, [], keys.TrustedKeyring);
    }

    [GpgFact]
    public Task SignatureOverAnotherFile_Refused() =>
        AssertSameAsGpgAsync(false, Manifest, GpgDifferentialKeys.Sign(keys.Ed25519Home, "another file\n"u8.ToArray()), keys.TrustedKeyring);

    [GpgFact]
    public async Task TwoTrustedSignaturePackets_BothCounted()
    {
        byte[] both = [.. GpgDifferentialKeys.Sign(keys.Ed25519Home, Manifest), .. GpgDifferentialKeys.Sign(keys.RsaHome, Manifest)];

        await AssertSameAsGpgAsync(true, Manifest, both, keys.TrustedKeyring);
        IReadOnlySet<string> signers = await Scheme(keys.TrustedKeyring).FindTrustedSignersAsync(Manifest, both, Url, default);
        Assert.Equal(2, signers.Count);
        Assert.Contains(PrimaryFingerprint(keys.Ed25519Keyring), signers);
        Assert.Contains(PrimaryFingerprint(keys.RsaKeyring), signers);
    }

    [GpgFact]
    public async Task TrustedAndBadTrustedPackets_Refused()
    {
        byte[] mixed = [.. GpgDifferentialKeys.Sign(keys.Ed25519Home, Manifest), .. GpgDifferentialKeys.Sign(keys.RsaHome, "other\n"u8.ToArray())];

        await AssertSameAsGpgAsync(false, Manifest, mixed, keys.TrustedKeyring);
    }

    [GpgFact]
    public async Task KeySelfSignatureAsDocumentSignature_Refused()
    {
        Assert.True(SysUpdate.Core.Manifests.OpenPgpPacketReader.TryReadAll(File.ReadAllBytes(keys.Ed25519Keyring), out var packets));
        byte[] selfSignature = packets.First(p => p.Tag == SysUpdate.Core.Manifests.OpenPgpPacket.SignatureTag).Raw.ToArray();

        await AssertSameAsGpgAsync(false, Manifest, selfSignature, keys.TrustedKeyring);
        var error = await Assert.ThrowsAsync<SysUpdateException>(() => Scheme(keys.TrustedKeyring).FindTrustedSignersAsync(Manifest, selfSignature, Url, default));
        Assert.Equal(Errno.EBADMSG, error.Errno);
    }

    /// <summary>The documented difference: gpg fails the whole file on the unknown key; we skip it, for key rotation.</summary>
    [GpgFact]
    public async Task TrustedAndUnknownPackets_GpgRefuses_WeCountTheTrustedOne()
    {
        byte[] rotation = [.. GpgDifferentialKeys.Sign(keys.ForeignHome, Manifest), .. GpgDifferentialKeys.Sign(keys.Ed25519Home, Manifest)];

        Assert.False(GpgOracle.Verifies(keys.WorkDirectory, Manifest, rotation, keys.TrustedKeyring));
        IReadOnlySet<string> signers = await Scheme(keys.TrustedKeyring).FindTrustedSignersAsync(Manifest, rotation, Url, default);
        Assert.Equal([PrimaryFingerprint(keys.Ed25519Keyring)], signers);
    }

    private async Task AssertSameAsGpgAsync(bool expected, byte[] manifest, byte[] signature, params string[] keyrings)
    {
        Assert.Equal(expected, GpgOracle.Verifies(keys.WorkDirectory, manifest, signature, keyrings));
        Assert.Equal(expected, await OursAsync(manifest, signature, keyrings));
    }

    /// <summary>One keyring through the override, two as the /etc and /usr/lib defaults below a root.</summary>
    private async Task<bool> OursAsync(byte[] manifest, byte[] signature, string[] keyrings)
    {
        OpenPgpSignatureScheme scheme;
        if (keyrings.Length == 1)
        {
            scheme = Scheme(keyrings[0]);
        }
        else
        {
            string root = Path.Join(keys.WorkDirectory, "root-" + Guid.NewGuid().ToString("N"));
            string[] paths = ["etc/systemd/import-pubring.pgp", "usr/lib/systemd/import-pubring.pgp"];
            for (int i = 0; i < keyrings.Length; i++)
            {
                string path = Path.Join(root, paths[i]);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.Copy(keyrings[i], path);
            }
            scheme = new OpenPgpSignatureScheme(root, keyring: null);
        }
        try
        {
            return (await scheme.FindTrustedSignersAsync(manifest, signature, Url, default)).Count > 0;
        }
        catch (SysUpdateException e)
        {
            Assert.Equal(Errno.EBADMSG, e.Errno);
            Assert.DoesNotContain('\n', e.Message);
            return false;
        }
    }

    private static OpenPgpSignatureScheme Scheme(string keyring) => new(root: null, keyring);

    private static string PrimaryFingerprint(string keyring)
    {
        Assert.True(SysUpdate.Core.Manifests.OpenPgpPacketReader.TryReadAll(File.ReadAllBytes(keyring), out var packets));
        return SysUpdate.Core.Manifests.OpenPgpFingerprint.Of(packets.First(p => p.Tag == SysUpdate.Core.Manifests.OpenPgpPacket.PublicKeyTag).Body.Span)!;
    }
}
