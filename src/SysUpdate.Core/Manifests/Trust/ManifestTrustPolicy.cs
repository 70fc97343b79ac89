namespace SysUpdate.Core.Manifests.Trust;

/// <summary>
/// Which signature schemes a transfer accepts and how many distinct trusted keys must have signed its manifest.
/// The default (OpenPGP, one key) is systemd-sysupdate's behaviour.
/// </summary>
internal sealed record ManifestTrustPolicy(IReadOnlyList<string> Schemes, int Threshold)
{
    public const string OpenPgp = "openpgp";

    /// <summary><c>SHA256SUMS</c> itself is OpenPGP clear-signed; its signed text is the manifest.</summary>
    public const string OpenPgpInline = "openpgp-inline";

    /// <summary>OpenSSH signatures in <c>SHA256SUMS.sshsig</c>.</summary>
    public const string Ssh = "ssh";

    /// <summary>Every scheme name accepted in <c>SignatureScheme=</c>.</summary>
    public static IReadOnlyList<string> KnownSchemes { get; } = [OpenPgp, OpenPgpInline, Ssh];

    public static ManifestTrustPolicy Default { get; } = new([OpenPgp], 1);

    public bool Inline => Schemes.Contains(OpenPgpInline);

    public bool Equals(ManifestTrustPolicy? other) =>
        other is not null && Threshold == other.Threshold && Schemes.SequenceEqual(other.Schemes);

    public override int GetHashCode() => HashCode.Combine(Threshold, string.Join(' ', Schemes));
}
