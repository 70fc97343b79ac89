using System.Text;
using SysUpdate.Core.Manifests;
using SysUpdate.Core.Manifests.Trust;
using SysUpdate.Core.Tests.Manifests;

namespace SysUpdate.Core.Tests.Manifests.Trust;

/// <summary>
/// <c>SignatureScheme=openpgp-inline</c>: a <c>gpg --clearsign</c>ed SHA256SUMS is verified through the OpenPGP scheme
/// and only its signed text is the manifest. RUN AGAIN AFTER MERGING h-pgp: these tests pass here with the temporary
/// gpg adapter and ClearSignedManifest of branch h-ssh; after the merge they check h-pgp's in-process verifier and
/// its ClearSignedManifest through the same plumbing (filter: FullyQualifiedName~InlineManifestTrustTests).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Collection(nameof(SignatureVerifier))]
public sealed class InlineManifestTrustTests(GpgTestKeys gpg) : IClassFixture<GpgTestKeys>
{
    private const string Url = "http://127.0.0.1/images/SHA256SUMS";
    private static readonly ManifestTrustPolicy Inline = new([ManifestTrustPolicy.OpenPgpInline], 1);
    private static readonly byte[] Manifest = Encoding.UTF8.GetBytes(
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef *payload-v1.raw\n" +
        "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210 *payload-v2.raw\n");

    [Fact]
    public async Task Verify_ClearSignedByTrustedKey_SignedTextIsTheManifest()
    {
        byte[] file = ClearSign(gpg.Ed25519Home, Manifest);

        var text = await Evaluator().VerifyAsync(Inline, Url, file, []);

        var entries = Sha256SumsParser.Parse(text.Span, Url, DateTimeOffset.UnixEpoch, verifyFreshness: true).Entries;
        Assert.Equal(["payload-v1.raw", "payload-v2.raw"], entries.Select(e => e.Name));
    }

    [Fact]
    public async Task Verify_ClearSignedTextChanged_Refused()
    {
        string file = Encoding.UTF8.GetString(ClearSign(gpg.Ed25519Home, Manifest));
        byte[] tampered = Encoding.UTF8.GetBytes(file.Replace("*payload-v2.raw", "*payload-v9.raw", StringComparison.Ordinal));

        var error = await Assert.ThrowsAnyAsync<SysUpdateException>(() => Evaluator().VerifyAsync(Inline, Url, tampered, []));

        Assert.StartsWith(Url, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task Verify_ClearSignedByForeignKey_Refused()
    {
        byte[] file = ClearSign(gpg.ForeignHome, Manifest);

        var error = await Assert.ThrowsAnyAsync<SysUpdateException>(() => Evaluator().VerifyAsync(Inline, Url, file, []));

        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task Verify_PlainManifestUnderInlinePolicy_MissingSignature()
    {
        var error = await Assert.ThrowsAsync<MissingSignatureException>(() => Evaluator().VerifyAsync(Inline, Url, Manifest, []));

        Assert.Contains("clear-signed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ClearSignedHeaderWithoutSignatureBlock_Refused()
    {
        byte[] file = [.. "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"u8, .. Manifest];

        var error = await Assert.ThrowsAnyAsync<SysUpdateException>(() => Evaluator().VerifyAsync(Inline, Url, file, []));

        Assert.IsNotType<MissingSignatureException>(error);
        Assert.StartsWith(Url, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unverified_ClearSigned_StripsTheArmor()
    {
        var text = ManifestTrustEvaluator.Unverified(Inline, ClearSign(gpg.Ed25519Home, Manifest));

        Assert.Equal(Manifest, text.ToArray());
    }

    private ManifestTrustEvaluator Evaluator() => new([new OpenPgpSignatureScheme(null, gpg.Keyring)]);

    private static byte[] ClearSign(string home, byte[] data) =>
        GpgTestKeys.Run(home, data, "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--clearsign", "--output", "-");
}
