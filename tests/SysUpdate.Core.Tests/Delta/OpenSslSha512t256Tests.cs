using Org.BouncyCastle.Crypto.Digests;
using SysUpdate.Core.Delta;

namespace SysUpdate.Core.Tests.Delta;

/// <summary>libcrypto's SHA-512/256 (the fast path) gives BouncyCastle's answer (the fallback) for every length that
/// matters: empty, around the 128-byte block, and chunk sizes.</summary>
public sealed class OpenSslSha512t256Tests
{
    [Fact]
    public void IsAvailable_OnThisMachine() =>
        Assert.True(OpenSslSha512t256.IsAvailable, "libcrypto.so.3 (OpenSSL 3) is what .NET itself uses here; without it chunk IDs fall back to BouncyCastle");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(111)]
    [InlineData(112)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(129)]
    [InlineData(16 * 1024)]
    [InlineData(65_537)]
    [InlineData(256 * 1024)]
    public void Hash_EqualsBouncyCastle(int length)
    {
        byte[] data = new byte[length];
        new Random(length).NextBytes(data);
        byte[] expected = new byte[32];
        var managed = new Sha512tDigest(256);
        managed.BlockUpdate(data);
        managed.DoFinal(expected);

        byte[] actual = new byte[32];
        OpenSslSha512t256.Hash(data, actual);

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
    }
}
