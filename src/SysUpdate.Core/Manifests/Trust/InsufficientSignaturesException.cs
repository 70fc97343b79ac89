namespace SysUpdate.Core.Manifests.Trust;

/// <summary>Fewer distinct trusted keys signed a manifest than its transfer's <c>SignatureThreshold=</c> asks for.</summary>
internal sealed class InsufficientSignaturesException : SysUpdateException
{
    public InsufficientSignaturesException(string manifestUrl, IReadOnlySet<string> signers, ManifestTrustPolicy policy)
        : base($"{manifestUrl}: Signature verification failed: {Describe(signers)} signed the manifest, {policy.Threshold} required " +
            $"(SignatureScheme={string.Join(' ', policy.Schemes)}, SignatureThreshold={policy.Threshold}); " +
            "have it signed by enough keys this machine trusts (OpenPGP keyrings, SSH allowed signers), or check that the download is not tampered with")
    {
        Signers = signers;
        Required = policy.Threshold;
        Errno = Errno.EBADMSG;
    }

    /// <summary>The distinct trusted keys that did sign.</summary>
    public IReadOnlySet<string> Signers { get; }

    public int Required { get; }

    private static string Describe(IReadOnlySet<string> signers) => signers.Count switch
    {
        0 => "no trusted key",
        1 => $"1 distinct trusted key ({signers.First()})",
        _ => $"{signers.Count} distinct trusted keys ({string.Join(", ", signers.Order(StringComparer.Ordinal))})",
    };
}
