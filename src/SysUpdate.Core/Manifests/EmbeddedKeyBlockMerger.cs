using System.Buffers.Binary;

namespace SysUpdate.Core.Manifests;

/// <summary>
/// What gpg's <c>--auto-key-import --import-options=merge-only</c> does for systemd 262, done by us so that it holds
/// with every gpg (Debian 12's gpg 2.2 would import a stranger's key from the signature): a signature may carry its
/// signer's key block (<c>gpg --include-key-block</c>, subpacket 38). If that block's primary key is already in a
/// trusted keyring, its subkeys that the keyring lacks are appended to the keyring's copy of that key. Nothing else is
/// taken from the block: not a new primary key, not its user IDs, and nothing the keyring already has (so its
/// revocations stay). <see cref="Trust.OpenPgpTrustedKeys"/> then checks every subkey's binding signature against the trusted
/// primary, as gpg does.
/// </summary>
internal static class EmbeddedKeyBlockMerger
{
    private const int KeyBlockSubpacketType = 38;

    /// <summary>
    /// The merged key(s) as a keyring to consult before the trusted ones, or null when the signature carries no
    /// key block whose primary key is trusted and that adds a subkey. Unparseable input is never an error here: the
    /// verifier judges the signature and keyrings themselves.
    /// </summary>
    public static byte[]? Merge(IReadOnlyList<ReadOnlyMemory<byte>> trustedKeyrings, ReadOnlyMemory<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(trustedKeyrings);
        if (OpenPgpArmor.ToBinary(signature) is not { } binarySignature || !OpenPgpPacketReader.TryReadAll(binarySignature, out var signaturePackets))
            return null;

        var trusted = new Dictionary<string, List<OpenPgpPacket>>(StringComparer.Ordinal);
        foreach (ReadOnlyMemory<byte> keyring in trustedKeyrings)
        {
            if (OpenPgpArmor.ToBinary(keyring) is { } binaryKeyring && OpenPgpPacketReader.TryReadAll(binaryKeyring, out var packets))
            {
                foreach (var (fingerprint, key) in SplitKeys(packets))
                    trusted.TryAdd(fingerprint, key);
            }
        }

        var merged = new List<byte>();
        foreach (OpenPgpPacket packet in signaturePackets.Where(p => p.Tag == OpenPgpPacket.SignatureTag))
        {
            if (KeyBlockOf(packet.Body.Span) is not { } block || !OpenPgpPacketReader.TryReadAll(block, out var blockPackets))
                continue;
            foreach (var (fingerprint, embeddedKey) in SplitKeys(blockPackets))
            {
                if (!trusted.TryGetValue(fingerprint, out var trustedKey))
                    continue;
                List<OpenPgpPacket> added = NewSubkeys(trustedKey, embeddedKey);
                if (added.Count == 0)
                    continue;
                foreach (OpenPgpPacket p in trustedKey.Concat(added))
                    merged.AddRange(p.Raw.ToArray());
            }
        }
        return merged.Count == 0 ? null : [.. merged];
    }

    /// <summary>Transferable public keys: each primary key packet with the packets that follow it, by fingerprint.</summary>
    private static IEnumerable<(string Fingerprint, List<OpenPgpPacket> Packets)> SplitKeys(List<OpenPgpPacket> packets)
    {
        string? fingerprint = null;
        List<OpenPgpPacket>? current = null;
        foreach (OpenPgpPacket packet in packets)
        {
            if (packet.Tag == OpenPgpPacket.PublicKeyTag)
            {
                if (fingerprint is not null && current is not null)
                    yield return (fingerprint, current);
                fingerprint = OpenPgpFingerprint.Of(packet.Body.Span);
                current = [packet];
            }
            else
            {
                current?.Add(packet);
            }
        }
        if (fingerprint is not null && current is not null)
            yield return (fingerprint, current);
    }

    /// <summary>The subkey packets of <paramref name="embedded"/>, each with its signatures, that <paramref name="trusted"/> lacks.</summary>
    private static List<OpenPgpPacket> NewSubkeys(List<OpenPgpPacket> trusted, List<OpenPgpPacket> embedded)
    {
        var known = trusted.Where(p => p.Tag == OpenPgpPacket.PublicSubkeyTag)
            .Select(p => OpenPgpFingerprint.Of(p.Body.Span)).ToHashSet(StringComparer.Ordinal);
        var added = new List<OpenPgpPacket>();
        bool taking = false;
        foreach (OpenPgpPacket packet in embedded)
        {
            if (packet.Tag == OpenPgpPacket.PublicSubkeyTag)
            {
                string? fingerprint = OpenPgpFingerprint.Of(packet.Body.Span);
                taking = fingerprint is not null && known.Add(fingerprint);
                if (taking)
                    added.Add(packet);
            }
            else if (packet.Tag == OpenPgpPacket.SignatureTag)
            {
                if (taking)
                    added.Add(packet);
            }
            else
            {
                taking = false;
            }
        }
        return added;
    }

    /// <summary>The packets of a hashed "Key Block" subpacket of a v4, v5 or v6 signature packet body, or null.</summary>
    private static ReadOnlyMemory<byte>? KeyBlockOf(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
            return null;
        int start, count;
        switch (body[0])
        {
            case 4 or 5 when body.Length >= 6:
                start = 6;
                count = BinaryPrimitives.ReadUInt16BigEndian(body[4..]);
                break;
            case 6 when body.Length >= 8:
                start = 8;
                count = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(body[4..]), int.MaxValue);
                break;
            default:
                return null;
        }
        if (count > body.Length - start)
            return null;

        ReadOnlySpan<byte> subpackets = body.Slice(start, count);
        while (!subpackets.IsEmpty)
        {
            if (!OpenPgpPacketReader.TryReadNewLength(subpackets, out int octets, out long length) || length < 1 || length > subpackets.Length - octets)
                return null;
            ReadOnlySpan<byte> subpacket = subpackets.Slice(octets, (int)length);
            // The block starts with one reserved octet, 0.
            if ((subpacket[0] & 0x7F) == KeyBlockSubpacketType && subpacket.Length > 2 && subpacket[1] == 0)
                return subpacket[2..].ToArray();
            subpackets = subpackets[(octets + (int)length)..];
        }
        return null;
    }
}
