namespace SysUpdate.Core.Manifests.Trust;

/// <summary>
/// One way a vendor signs <c>SHA256SUMS</c> (detached OpenPGP, SSH signatures, ...). A scheme names the files it
/// reads next to the manifest and tells which of the machine's trusted keys made a good signature over it;
/// <see cref="ManifestTrustPolicy"/> decides whether that is enough.
/// </summary>
internal interface IManifestSignatureScheme
{
    /// <summary>The name used in configuration and messages (<c>openpgp</c>, <c>ssh</c>).</summary>
    string Name { get; }

    /// <summary>Suffixes appended to the manifest URL for the signature file, tried in order; the first one found is used.</summary>
    IReadOnlyList<string> SignatureSuffixes { get; }

    /// <summary>
    /// The distinct trusted keys (by a stable id: the primary key fingerprint for OpenPGP, the SHA256 key
    /// fingerprint for SSH) that made a good signature over <paramref name="manifest"/>; empty when none did.
    /// </summary>
    /// <exception cref="SysUpdateException">No trusted keys are installed, the signature file is malformed, or a
    /// signature by a trusted key is bad (the manifest was changed after signing).</exception>
    Task<IReadOnlySet<string>> FindTrustedSignersAsync(
        ReadOnlyMemory<byte> manifest, ReadOnlyMemory<byte> signature, string signatureUrl, CancellationToken cancellationToken);
}
