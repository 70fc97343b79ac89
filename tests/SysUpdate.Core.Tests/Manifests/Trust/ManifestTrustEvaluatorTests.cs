using System.Text;
using SysUpdate.Core.Manifests;
using SysUpdate.Core.Manifests.Trust;
using SysUpdate.Core.Tests.Manifests;

namespace SysUpdate.Core.Tests.Manifests.Trust;

/// <summary>
/// Counting distinct trusted keys across every signature of every enabled scheme, with real ssh-keygen and gpg
/// signatures: the threshold is met or the manifest is refused with one line naming it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
// The OpenPGP scheme runs gpg with temporary homes, which SignatureVerifierTests counts.
[Collection(nameof(SignatureVerifier))]
public sealed class ManifestTrustEvaluatorTests(GpgTestKeys gpg) : IClassFixture<GpgTestKeys>, IDisposable
{
    private const string Url = "http://127.0.0.1/images/SHA256SUMS";
    private static readonly byte[] Manifest = Encoding.UTF8.GetBytes(
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef *payload-v1.raw\n");

    private readonly string _dir = Directory.CreateTempSubdirectory("sysupdate-trust-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SshKeygenFact]
    public async Task Verify_ThresholdTwo_TwoTrustedSshKeys_Accepted()
    {
        var ssh = new SshKeygen(_dir);
        string a = ssh.CreateKey("a"), b = ssh.CreateKey("b");
        var evaluator = Evaluator(AllowedSigners(a, b));
        byte[] file = [.. ssh.Sign(a, Manifest), .. ssh.Sign(b, Manifest)];

        var text = await evaluator.VerifyAsync(new ManifestTrustPolicy(["ssh"], 2), Url, Manifest, [Ssh(evaluator, file)]);

        Assert.Equal(Manifest, text.ToArray());
    }

    [SshKeygenFact]
    public async Task Verify_ThresholdTwo_OneTrustedOneUnknown_RefusedWithOneLine()
    {
        var ssh = new SshKeygen(_dir);
        string trusted = ssh.CreateKey("trusted"), stranger = ssh.CreateKey("stranger");
        var evaluator = Evaluator(AllowedSigners(trusted));
        byte[] file = [.. ssh.Sign(trusted, Manifest), .. ssh.Sign(stranger, Manifest)];

        var error = await Assert.ThrowsAsync<InsufficientSignaturesException>(
            () => evaluator.VerifyAsync(new ManifestTrustPolicy(["ssh"], 2), Url, Manifest, [Ssh(evaluator, file)]));

        Assert.Equal([ssh.Fingerprint(trusted)], error.Signers);
        Assert.Equal(2, error.Required);
        Assert.StartsWith(Url + ":", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [SshKeygenFact]
    public async Task Verify_ThresholdTwo_OpenPgpAndSshKey_CountedAcrossSchemes()
    {
        var ssh = new SshKeygen(_dir);
        string key = ssh.CreateKey("vendor");
        var evaluator = Evaluator(AllowedSigners(key));
        var policy = new ManifestTrustPolicy(["openpgp", "ssh"], 2);
        var openpgp = new DetachedSignature(Scheme(evaluator, "openpgp"), GpgTestKeys.Sign(gpg.Ed25519Home, Manifest, armor: false), Url + ".gpg");

        await evaluator.VerifyAsync(policy, Url, Manifest, [openpgp, Ssh(evaluator, ssh.Sign(key, Manifest))]);
        var error = await Assert.ThrowsAsync<InsufficientSignaturesException>(() => evaluator.VerifyAsync(policy, Url, Manifest, [openpgp]));
        Assert.Single(error.Signers);
    }

    [Fact]
    public async Task Verify_NoSignatureAtAll_MissingSignatureWithSystemdWording()
    {
        var evaluator = Evaluator(Path.Combine(_dir, "none"));

        var error = await Assert.ThrowsAsync<MissingSignatureException>(
            () => evaluator.VerifyAsync(ManifestTrustPolicy.Default, Url, Manifest, []));

        Assert.Equal($"{Url}: no detached signature (SHA256SUMS.gpg or SHA256SUMS.asc) found next to the manifest, refusing; publish one or use --verify=no", error.Message);
    }

    private string AllowedSigners(params string[] keys)
    {
        string path = Path.Combine(_dir, $"allowed-{Guid.NewGuid():N}");
        File.WriteAllLines(path, keys.Select(k => SshKeygen.AllowedSignersLine(k)));
        return path;
    }

    private ManifestTrustEvaluator Evaluator(string allowedSigners) =>
        new([new OpenPgpSignatureScheme(null, gpg.Keyring), new SshSignatureScheme(null, allowedSigners)]);

    private static IManifestSignatureScheme Scheme(ManifestTrustEvaluator evaluator, string name) =>
        evaluator.DetachedSchemes(new ManifestTrustPolicy([name], 1)).Single();

    private static DetachedSignature Ssh(ManifestTrustEvaluator evaluator, byte[] file) => new(Scheme(evaluator, "ssh"), file, Url + ".sshsig");
}
