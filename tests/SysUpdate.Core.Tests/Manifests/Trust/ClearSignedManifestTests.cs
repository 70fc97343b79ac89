using System.Text;
using SysUpdate.Core.Manifests.Trust;

namespace SysUpdate.Core.Tests.Manifests.Trust;

/// <summary>Inline manifests made by <c>gpg --clearsign</c>: split, verified over the canonical text, compared with gpg.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ClearSignedManifestTests(GpgDifferentialKeys keys) : IClassFixture<GpgDifferentialKeys>
{
    private const string Url = "http://127.0.0.1/os/SHA256SUMS";

    [GpgFact]
    public async Task TryParse_GpgClearSigned_TextAsSignedAndVerifies()
    {
        byte[] manifest = Encoding.UTF8.GetBytes(
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef *usr_1.raw.xz\n" +
            "-dash line gpg must escape\n" +
            "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210 *usr_2.raw.xz   \n");
        byte[] file = ClearSign(keys.Ed25519Home, manifest);
        Assert.Contains("\n- -dash line", Encoding.UTF8.GetString(file), StringComparison.Ordinal);

        Assert.True(ClearSignedManifest.TryParse(file, out ClearSignedManifest parsed));

        Assert.Equal(
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef *usr_1.raw.xz\n" +
            "-dash line gpg must escape\n" +
            "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210 *usr_2.raw.xz\n",
            Encoding.UTF8.GetString(parsed.Text.Span));
        Assert.True(GpgVerifiesClearSigned(file, keys.TrustedKeyring));
        Assert.Single(await parsed.FindTrustedSignersAsync(new OpenPgpSignatureScheme(null, keys.TrustedKeyring), Url));
    }

    [GpgFact]
    public async Task TryParse_CrlfInput_VerifiesWithLfText()
    {
        byte[] manifest = Encoding.UTF8.GetBytes("abc *a.raw \r\n- not a header\r\nlast *b.raw\r\n");
        byte[] file = ClearSign(keys.RsaHome, manifest);

        Assert.True(ClearSignedManifest.TryParse(file, out ClearSignedManifest parsed));

        Assert.Equal("abc *a.raw\n- not a header\nlast *b.raw\n", Encoding.UTF8.GetString(parsed.Text.Span));
        Assert.True(GpgVerifiesClearSigned(file, keys.TrustedKeyring));
        Assert.Single(await parsed.FindTrustedSignersAsync(new OpenPgpSignatureScheme(null, keys.TrustedKeyring), Url));
    }

    [GpgFact]
    public async Task Tampered_RefusedLikeGpg()
    {
        byte[] file = ClearSign(keys.Ed25519Home, GpgDifferentialKeys.Manifest);
        string text = Encoding.UTF8.GetString(file);
        byte[] tampered = Encoding.UTF8.GetBytes(text.Replace("*usr_2.raw.xz", "*usr_3.raw.xz", StringComparison.Ordinal));

        Assert.False(GpgVerifiesClearSigned(tampered, keys.TrustedKeyring));
        Assert.True(ClearSignedManifest.TryParse(tampered, out ClearSignedManifest parsed));
        var error = await Assert.ThrowsAsync<SysUpdateException>(
            () => parsed.FindTrustedSignersAsync(new OpenPgpSignatureScheme(null, keys.TrustedKeyring), Url));
        Assert.Equal(Errno.EBADMSG, error.Errno);
        Assert.DoesNotContain('\n', error.Message);
    }

    [GpgFact]
    public async Task HashHeaderNamesAnotherDigest_RefusedLikeGpg()
    {
        byte[] file = ClearSign(keys.Ed25519Home, GpgDifferentialKeys.Manifest);
        string text = Encoding.UTF8.GetString(file);
        Assert.Contains("\nHash: SHA256\n", text, StringComparison.Ordinal);
        byte[] conflicting = Encoding.UTF8.GetBytes(text.Replace("\nHash: SHA256\n", "\nHash: SHA512\n", StringComparison.Ordinal));

        Assert.False(GpgVerifiesClearSigned(conflicting, keys.TrustedKeyring));
        Assert.True(ClearSignedManifest.TryParse(conflicting, out ClearSignedManifest parsed));
        var error = await Assert.ThrowsAsync<SysUpdateException>(
            () => parsed.FindTrustedSignersAsync(new OpenPgpSignatureScheme(null, keys.TrustedKeyring), Url));
        Assert.Equal(Errno.EBADMSG, error.Errno);
    }

    [GpgFact]
    public async Task ForeignKey_NoTrustedSigner()
    {
        byte[] file = ClearSign(keys.ForeignHome, GpgDifferentialKeys.Manifest);

        Assert.False(GpgVerifiesClearSigned(file, keys.TrustedKeyring));
        Assert.True(ClearSignedManifest.TryParse(file, out ClearSignedManifest parsed));
        Assert.Empty(await parsed.FindTrustedSignersAsync(new OpenPgpSignatureScheme(null, keys.TrustedKeyring), Url));
    }

    [Theory]
    [InlineData("abc *a.raw\n")]
    [InlineData("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nabc *a.raw\n")]
    [InlineData("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n-unescaped\n-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n")]
    [InlineData("-----BEGIN PGP SIGNED MESSAGE-----\nComment: x\n\nabc\n-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n")]
    [InlineData("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nabc\n-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\nunsigned trailer\n")]
    public void TryParse_NotOrBrokenClearSigned_False(string file)
    {
        Assert.False(ClearSignedManifest.TryParse(Encoding.UTF8.GetBytes(file), out _));
    }

    private static byte[] ClearSign(string home, byte[] manifest) =>
        GpgTestKeys.Run(home, manifest, [.. GpgDifferentialKeys.Batch, "--clearsign", "--output", "-"]);

    private bool GpgVerifiesClearSigned(byte[] file, string keyring)
    {
        string home = Path.Join(keys.WorkDirectory, "clear-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string copy = Path.Join(home, "keyring.gpg");
        File.Copy(keyring, copy);
        try
        {
            GpgTestKeys.Run(home, file, "--no-options", "--no-default-keyring", $"--keyring={copy}", "--trust-model=always", "--batch", "--verify");
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
