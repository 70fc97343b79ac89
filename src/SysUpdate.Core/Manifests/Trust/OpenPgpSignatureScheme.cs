using Microsoft.Extensions.Logging;

namespace SysUpdate.Core.Manifests.Trust;

/// <summary>
/// TEMPORARY adapter over the gpg-based <see cref="SignatureVerifier"/>, with the shape of the in-process verifier
/// written on branch h-pgp (which replaces this file at merge). A good signature counts as one signer,
/// <see cref="KeyringSigner"/>; a bad or foreign one throws, as gpg reports it.
/// </summary>
internal sealed class OpenPgpSignatureScheme(string? root, string? keyring, ILogger? logger = null) : IManifestSignatureScheme
{
    public const string KeyringSigner = "openpgp-keyring";

    private readonly SignatureVerifier _verifier = new(root, keyring);

    public string Name => ManifestTrustPolicy.OpenPgp;

    public IReadOnlyList<string> SignatureSuffixes { get; } = [".gpg", ".asc"];

    public static OpenPgpSignatureScheme FromEnvironment(string? root, ILogger? logger = null) =>
        new(root, Environment.GetEnvironmentVariable(SignatureVerifier.KeyringEnvironmentVariable), logger);

    public async Task<IReadOnlySet<string>> FindTrustedSignersAsync(
        ReadOnlyMemory<byte> manifest, ReadOnlyMemory<byte> signature, string signatureUrl, CancellationToken cancellationToken)
    {
        _ = logger;
        await _verifier.VerifyAsync(manifest, signature, signatureUrl, cancellationToken).ConfigureAwait(false);
        return new HashSet<string>(StringComparer.Ordinal) { KeyringSigner };
    }
}
