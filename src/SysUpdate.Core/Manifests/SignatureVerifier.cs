using Microsoft.Extensions.Logging;
using SysUpdate.Core.Manifests.Trust;

namespace SysUpdate.Core.Manifests;

/// <summary>
/// systemd-sysupdate's manifest check: the detached OpenPGP signature must hold at least one good signature by a key
/// of the trusted keyrings. Verified in-process by <see cref="OpenPgpSignatureScheme"/>; no gpg is run.
/// </summary>
internal sealed class SignatureVerifier
{
    /// <summary>Environment variable that names the keyring to use instead of the default ones.</summary>
    public const string KeyringEnvironmentVariable = OpenPgpKeyringLocations.EnvironmentVariable;

    /// <summary>Default keyrings, all of those that exist are consulted together: local, legacy local, vendor (paths below the root directory).</summary>
    public static IReadOnlyList<string> DefaultKeyrings => OpenPgpKeyringLocations.DefaultKeyrings;

    private readonly OpenPgpSignatureScheme _scheme;

    /// <param name="root">Root directory prefix (<c>--root</c>) for the default keyrings; null or "/" for the host.</param>
    /// <param name="keyring">
    /// Keyring file to use instead of the default ones (not prefixed with <paramref name="root"/>); pass the value of
    /// <see cref="KeyringEnvironmentVariable"/> here, as <see cref="FromEnvironment"/> does.
    /// </param>
    public SignatureVerifier(string? root = null, string? keyring = null, ILogger<SignatureVerifier>? logger = null) =>
        _scheme = new OpenPgpSignatureScheme(root, keyring, logger);

    /// <summary>A verifier that honours <see cref="KeyringEnvironmentVariable"/> of this process.</summary>
    public static SignatureVerifier FromEnvironment(string? root, ILogger<SignatureVerifier>? logger = null) =>
        new(root, Environment.GetEnvironmentVariable(KeyringEnvironmentVariable), logger);

    /// <inheritdoc cref="OpenPgpKeyringLocations.Resolve"/>
    public IReadOnlyList<string> ResolveKeyrings() => _scheme.ResolveKeyrings();

    /// <summary>Verifies <paramref name="signature"/> (binary or ASCII-armored, detached) over <paramref name="manifest"/>.</summary>
    /// <exception cref="SysUpdateException">No keyring (ENOKEY), or no good signature by a trusted key (EBADMSG).</exception>
    public async Task VerifyAsync(ReadOnlyMemory<byte> manifest, ReadOnlyMemory<byte> signature, string manifestUrl, CancellationToken cancellationToken = default)
    {
        IReadOnlySet<string> signers = await _scheme.FindTrustedSignersAsync(manifest, signature, manifestUrl, cancellationToken).ConfigureAwait(false);
        if (signers.Count == 0)
        {
            throw OpenPgpSignatureScheme.Failure(
                manifestUrl, "no good signature by a key in the keyrings", OpenPgpSignatureScheme.DescribeKeyrings(_scheme.ResolveKeyrings()));
        }
    }
}
