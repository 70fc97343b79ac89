using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SysUpdate.Core.Manifests;

/// <summary>The fingerprint of a public (sub)key packet body (RFC 9580 §5.5.4): v4 SHA-1, v5/v6 SHA-256, over the key material.</summary>
internal static class OpenPgpFingerprint
{
    /// <summary>Upper-case hex fingerprint, or null for a key version this code does not know.</summary>
    public static string? Of(ReadOnlySpan<byte> keyBody)
    {
        if (keyBody.IsEmpty)
            return null;
        switch (keyBody[0])
        {
            case 4 when keyBody.Length <= ushort.MaxValue:
            {
                using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
                Span<byte> prefix = stackalloc byte[3];
                prefix[0] = 0x99;
                BinaryPrimitives.WriteUInt16BigEndian(prefix[1..], (ushort)keyBody.Length);
                sha1.AppendData(prefix);
                sha1.AppendData(keyBody);
                return Convert.ToHexString(sha1.GetHashAndReset());
            }
            case 5 or 6:
            {
                using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                Span<byte> prefix = stackalloc byte[5];
                prefix[0] = keyBody[0] == 5 ? (byte)0x9A : (byte)0x9B;
                BinaryPrimitives.WriteUInt32BigEndian(prefix[1..], (uint)keyBody.Length);
                sha256.AppendData(prefix);
                sha256.AppendData(keyBody);
                return Convert.ToHexString(sha256.GetHashAndReset());
            }
            default:
                return null;
        }
    }
}
