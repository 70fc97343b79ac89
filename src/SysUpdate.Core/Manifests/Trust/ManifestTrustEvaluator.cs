namespace SysUpdate.Core.Manifests.Trust;

/// <summary>
/// Decides whether a fetched manifest is trusted under a transfer's <see cref="ManifestTrustPolicy"/>: every
/// signature of every enabled scheme is checked, the distinct trusted keys that signed are counted across all of
/// them, and fewer than the threshold refuses the manifest. Detached signatures cover the manifest file as served;
/// with <c>openpgp-inline</c> a clear-signed manifest is checked through the OpenPGP scheme and only its signed text
/// is the manifest.
/// </summary>
internal sealed class ManifestTrustEvaluator(IReadOnlyList<IManifestSignatureScheme> schemes)
{
    private const string ManifestName = "SHA256SUMS";

    /// <summary>The detached schemes the policy enables, in its order (<c>openpgp-inline</c> has no file of its own).</summary>
    public IEnumerable<IManifestSignatureScheme> DetachedSchemes(ManifestTrustPolicy policy) =>
        policy.Schemes.Where(s => s != ManifestTrustPolicy.OpenPgpInline).Select(Scheme);

    /// <summary>The manifest text to parse, without checking anything: the signed text of a clear-signed manifest when
    /// the policy reads inline signatures (for <c>--verify=no</c>), else the file.</summary>
    public static ReadOnlyMemory<byte> Unverified(ManifestTrustPolicy policy, ReadOnlyMemory<byte> manifestFile) =>
        policy.Inline && ClearSignedManifest.TryParse(manifestFile, out var clearSigned) ? clearSigned.Text : manifestFile;

    /// <summary>Checks the signatures and returns the manifest text to parse.</summary>
    /// <exception cref="MissingSignatureException">No enabled scheme has a signature.</exception>
    /// <exception cref="InsufficientSignaturesException">Fewer distinct trusted keys signed than the threshold.</exception>
    /// <exception cref="SysUpdateException">A scheme refused (no trusted keys, malformed signature, bad signature by a trusted key).</exception>
    public async Task<ReadOnlyMemory<byte>> VerifyAsync(ManifestTrustPolicy policy, string manifestUrl, ReadOnlyMemory<byte> manifestFile,
        IReadOnlyList<DetachedSignature> detached, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(detached);
        ClearSignedManifest? clearSigned = null;
        if (policy.Inline && ClearSignedManifest.IsClearSigned(manifestFile.Span))
        {
            clearSigned = ClearSignedManifest.TryParse(manifestFile, out var parsed)
                ? parsed
                : throw new SysUpdateException($"{manifestUrl}: the clear-signed manifest is malformed (no signature block after the text), refusing; publish it as 'gpg --clearsign' writes it")
                { Errno = Errno.EBADMSG };
        }
        if (clearSigned is null && detached.Count == 0)
            throw new MissingSignatureException(manifestUrl, Expected(policy));

        var signers = new HashSet<string>(StringComparer.Ordinal);
        if (clearSigned is not null)
        {
            var found = await Scheme(ManifestTrustPolicy.OpenPgp)
                .FindTrustedSignersAsync(clearSigned.SignedText, clearSigned.Signature, manifestUrl, cancellationToken).ConfigureAwait(false);
            signers.UnionWith(found);
        }
        foreach (DetachedSignature signature in detached)
        {
            var found = await signature.Scheme
                .FindTrustedSignersAsync(manifestFile, signature.Content, signature.Url, cancellationToken).ConfigureAwait(false);
            signers.UnionWith(found);
        }
        if (signers.Count < policy.Threshold)
            throw new InsufficientSignaturesException(manifestUrl, signers, policy);
        return clearSigned is null ? manifestFile : clearSigned.Text;
    }

    private IManifestSignatureScheme Scheme(string name) =>
        schemes.FirstOrDefault(s => s.Name == name) ?? throw new InvalidOperationException($"No signature scheme '{name}' was set up");

    private string Expected(ManifestTrustPolicy policy)
    {
        var files = DetachedSchemes(policy).SelectMany(s => s.SignatureSuffixes).Select(suffix => ManifestName + suffix).ToList();
        string detached = files.Count == 0 ? "" : $"detached signature ({string.Join(" or ", files)})";
        return policy.Inline
            ? detached.Length == 0 ? "clear-signed SHA256SUMS" : $"clear-signed SHA256SUMS or {detached}"
            : detached;
    }
}
