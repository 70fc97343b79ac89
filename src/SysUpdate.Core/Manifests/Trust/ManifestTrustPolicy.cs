namespace SysUpdate.Core.Manifests.Trust;

/// <summary>
/// Which signature schemes a transfer accepts and how many distinct trusted keys must have signed its manifest.
/// The default (OpenPGP, one key) is systemd-sysupdate's behaviour.
/// </summary>
internal sealed record ManifestTrustPolicy(IReadOnlyList<string> Schemes, int Threshold)
{
    public const string OpenPgp = "openpgp";

    public static ManifestTrustPolicy Default { get; } = new([OpenPgp], 1);
}
