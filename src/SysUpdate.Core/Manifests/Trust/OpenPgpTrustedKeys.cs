using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SysUpdate.Core.Manifests.Trust;

/// <summary>
/// The keys of the trusted keyrings that can make a document signature: every primary key, and every subkey whose
/// binding signature the primary key made and which signed the primary key back (gpg's cross-certification, which
/// gpg requires of signing subkeys). Subkeys that a signature carries in its embedded key block are added for a
/// trusted primary key by <see cref="EmbeddedKeyBlockMerger"/>, and must pass the same binding check.
/// </summary>
internal sealed class OpenPgpTrustedKeys
{
    private readonly List<PgpPublicKeyRing> _rings;

    private OpenPgpTrustedKeys(List<PgpPublicKeyRing> rings) => _rings = rings;

    /// <summary>Keyrings that cannot be parsed from some point on contribute the keys before it, as gpg does.</summary>
    public static OpenPgpTrustedKeys Load(IReadOnlyList<ReadOnlyMemory<byte>> keyrings, ReadOnlyMemory<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(keyrings);
        var rings = new List<PgpPublicKeyRing>();
        // Consulted first, so that a trusted key is found together with the subkeys the signature brought along.
        if (EmbeddedKeyBlockMerger.Merge(keyrings, signature) is { } merged)
            ReadRings(merged, rings);
        foreach (ReadOnlyMemory<byte> keyring in keyrings)
            ReadRings(keyring, rings);
        return new OpenPgpTrustedKeys(rings);
    }

    /// <summary>The trusted key that the signature names as its issuer, or null if no trusted key is that key.</summary>
    public OpenPgpSigningKey? FindSigner(PgpSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        byte[]? issuerFingerprint = IssuerFingerprintOf(signature);
        foreach (PgpPublicKeyRing ring in _rings)
        {
            PgpPublicKey primary = ring.GetPublicKey();
            foreach (PgpPublicKey key in ring.GetPublicKeys())
            {
                if (key.KeyId != signature.KeyId)
                    continue;
                if (issuerFingerprint is not null && !issuerFingerprint.AsSpan().SequenceEqual(key.GetFingerprint()))
                    continue;
                if (key.IsMasterKey || IsBoundSigningSubkey(primary, key))
                    return new OpenPgpSigningKey(key, Convert.ToHexString(primary.GetFingerprint()));
            }
        }
        return null;
    }

    private static void ReadRings(ReadOnlyMemory<byte> data, List<PgpPublicKeyRing> rings)
    {
        if (OpenPgpArmor.ToBinary(data) is not { } binary)
            return;
        try
        {
            var factory = new PgpObjectFactory(binary.ToArray());
            while (factory.NextPgpObject() is { } item)
            {
                if (item is PgpPublicKeyRing ring)
                    rings.Add(ring);
            }
        }
        catch (Exception e) when (e is IOException or PgpException or ArgumentException or InvalidOperationException)
        {
            // The rest of this keyring is unreadable; the keys before it stay trusted.
        }
    }

    private static bool IsBoundSigningSubkey(PgpPublicKey primary, PgpPublicKey subkey)
    {
        foreach (PgpSignature binding in subkey.GetSignaturesOfType(PgpSignature.SubkeyBinding))
        {
            if (binding.KeyId != primary.KeyId || !VerifiesCertification(binding, primary, primary, subkey))
                continue;
            PgpSignatureSubpacketVector? hashed = binding.GetHashedSubPackets();
            if (hashed is not null && hashed.HasSubpacket(SignatureSubpacketTag.KeyFlags) && (hashed.GetKeyFlags() & PgpKeyFlags.CanSign) == 0)
                continue;
            if (HasBackSignature(binding, primary, subkey))
                return true;
        }
        return false;
    }

    /// <summary>The subkey's signature over the primary key (0x19), embedded in the binding signature.</summary>
    private static bool HasBackSignature(PgpSignature binding, PgpPublicKey primary, PgpPublicKey subkey)
    {
        foreach (PgpSignatureSubpacketVector? area in new[] { binding.GetHashedSubPackets(), binding.GetUnhashedSubPackets() })
        {
            if (area is null)
                continue;
            PgpSignatureList embedded;
            try
            {
                embedded = area.GetEmbeddedSignatures();
            }
            catch (Exception e) when (e is IOException or PgpException)
            {
                continue;
            }
            for (int i = 0; i < embedded.Count; i++)
            {
                if (embedded[i].SignatureType == PgpSignature.PrimaryKeyBinding && VerifiesCertification(embedded[i], subkey, primary, subkey))
                    return true;
            }
        }
        return false;
    }

    private static bool VerifiesCertification(PgpSignature certification, PgpPublicKey signer, PgpPublicKey primary, PgpPublicKey subkey)
    {
        try
        {
            certification.InitVerify(signer);
            return certification.VerifyCertification(primary, subkey);
        }
        catch (Exception e) when (e is PgpException or IOException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static byte[]? IssuerFingerprintOf(PgpSignature signature)
    {
        foreach (PgpSignatureSubpacketVector? area in new[] { signature.GetHashedSubPackets(), signature.GetUnhashedSubPackets() })
        {
            if (area?.GetIssuerFingerprint() is { } issuer)
                return issuer.GetFingerprint();
        }
        return null;
    }
}
