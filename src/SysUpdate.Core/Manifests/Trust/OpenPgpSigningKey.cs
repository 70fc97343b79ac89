using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SysUpdate.Core.Manifests.Trust;

/// <summary>A key of a trusted keyring that may have made a signature: the primary key itself or one of its bound signing subkeys.</summary>
/// <param name="Key">The key whose public half checks the signature.</param>
/// <param name="PrimaryFingerprint">Upper-case hex fingerprint of the primary key, the signer's stable id.</param>
internal sealed record OpenPgpSigningKey(PgpPublicKey Key, string PrimaryFingerprint);
