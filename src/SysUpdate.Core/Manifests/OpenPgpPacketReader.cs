using System.Buffers.Binary;

namespace SysUpdate.Core.Manifests;

/// <summary>
/// Splits binary OpenPGP data (a keyring, a detached signature, an embedded key block) into packets. Only the framing
/// is read; the cryptography is BouncyCastle's (<see cref="Trust.OpenPgpSignatureScheme"/>). Lengths are checked against what is left before anything is sliced.
/// </summary>
internal static class OpenPgpPacketReader
{
    /// <summary>Reads every packet; false if the framing is broken or uses partial body lengths (never used for keys or signatures).</summary>
    public static bool TryReadAll(ReadOnlyMemory<byte> data, out List<OpenPgpPacket> packets)
    {
        packets = [];
        int offset = 0;
        ReadOnlySpan<byte> span = data.Span;
        while (offset < span.Length)
        {
            if (!TryReadHeader(span[offset..], out int tag, out int headerLength, out long bodyLength))
                return false;
            if (bodyLength > span.Length - offset - headerLength)
                return false;
            int total = headerLength + (int)bodyLength;
            packets.Add(new OpenPgpPacket(tag, data.Slice(offset, total), data.Slice(offset + headerLength, (int)bodyLength)));
            offset += total;
        }
        return true;
    }

    private static bool TryReadHeader(ReadOnlySpan<byte> span, out int tag, out int headerLength, out long bodyLength)
    {
        tag = 0;
        headerLength = 0;
        bodyLength = 0;
        byte first = span[0];
        if ((first & 0x80) == 0)
            return false;

        if ((first & 0x40) != 0)
        {
            tag = first & 0x3F;
            return TryReadNewLength(span[1..], out int lengthOctets, out bodyLength) && (headerLength = 1 + lengthOctets) > 0;
        }

        tag = (first >> 2) & 0x0F;
        int octets = (first & 0x03) switch { 0 => 1, 1 => 2, 2 => 4, _ => 0 };
        if (octets == 0)
        {
            // Indeterminate length: the packet runs to the end of the data.
            headerLength = 1;
            bodyLength = span.Length - 1;
            return true;
        }
        if (span.Length < 1 + octets)
            return false;
        bodyLength = octets switch
        {
            1 => span[1],
            2 => BinaryPrimitives.ReadUInt16BigEndian(span[1..]),
            _ => BinaryPrimitives.ReadUInt32BigEndian(span[1..]),
        };
        headerLength = 1 + octets;
        return true;
    }

    /// <summary>The one-, two- or five-octet length of new-format packets and of signature subpackets.</summary>
    public static bool TryReadNewLength(ReadOnlySpan<byte> span, out int lengthOctets, out long length)
    {
        lengthOctets = 0;
        length = 0;
        if (span.IsEmpty)
            return false;
        byte first = span[0];
        if (first < 192)
        {
            (lengthOctets, length) = (1, first);
            return true;
        }
        if (first < 224)
        {
            if (span.Length < 2)
                return false;
            (lengthOctets, length) = (2, ((first - 192) << 8) + span[1] + 192);
            return true;
        }
        if (first == 255 && span.Length >= 5)
        {
            (lengthOctets, length) = (5, BinaryPrimitives.ReadUInt32BigEndian(span[1..]));
            return true;
        }
        return false;
    }
}
