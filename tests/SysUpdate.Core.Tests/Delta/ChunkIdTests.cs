using SysUpdate.Core.Delta;

namespace SysUpdate.Core.Tests.Delta;

public sealed class ChunkIdTests
{
    [Fact]
    public void FromBytes_RoundTripsThroughCopyToAndHex()
    {
        byte[] bytes = CasyncTool.RandomBytes(32, seed: 21);

        ChunkId id = ChunkId.FromBytes(bytes);
        var copy = new byte[32];
        id.CopyTo(copy);

        Assert.Equal(bytes, copy);
        Assert.Equal(Convert.ToHexStringLower(bytes), id.ToHex());
        Assert.Equal(id.ToHex(), id.ToString());
    }

    [Fact]
    public void Equality_IsByValue()
    {
        byte[] bytes = CasyncTool.RandomBytes(32, seed: 22);
        byte[] other = (byte[])bytes.Clone();
        other[31] ^= 1;

        Assert.True(ChunkId.FromBytes(bytes) == ChunkId.FromBytes((byte[])bytes.Clone()));
        Assert.Equal(ChunkId.FromBytes(bytes).GetHashCode(), ChunkId.FromBytes((byte[])bytes.Clone()).GetHashCode());
        Assert.True(ChunkId.FromBytes(bytes) != ChunkId.FromBytes(other));
    }

    [Theory]
    [InlineData("sha256", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("sha512-256", "", "c672b8d1ef56ed28ab87c3622c5114069bdd3ad7b8f9737498d0c01ecef0967a")]
    [InlineData("sha512-256", "abc", "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23")]
    public void ChunkHasher_KnownAnswers(string digest, string input, string expectedHex)
    {
        ChunkDigestKind kind = digest == "sha256" ? ChunkDigestKind.Sha256 : ChunkDigestKind.Sha512_256;
        Assert.Equal(expectedHex, ChunkHasher.Compute(kind, System.Text.Encoding.ASCII.GetBytes(input)).ToHex());
    }
}
