using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;

namespace SysUpdate.Core.Delta;

/// <summary>Computes a chunk's id from its uncompressed bytes. Thread-safe: no state is shared between calls.</summary>
internal static class ChunkHasher
{
    public static ChunkId Compute(ChunkDigestKind kind, ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[ChunkId.Size];
        switch (kind)
        {
            case ChunkDigestKind.Sha256:
                SHA256.HashData(data, digest);
                break;
            case ChunkDigestKind.Sha512_256 when OpenSslSha512t256.IsAvailable:
                OpenSslSha512t256.Hash(data, digest);
                break;
            case ChunkDigestKind.Sha512_256:
                // .NET has no SHA-512/256 (SHA-512 with its own IV, truncated); BouncyCastle's is FIPS 180-4's.
                var sha512t = new Sha512tDigest(256);
                sha512t.BlockUpdate(data);
                sha512t.DoFinal(digest);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        return ChunkId.FromBytes(digest);
    }
}
