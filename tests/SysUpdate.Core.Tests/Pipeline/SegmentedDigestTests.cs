using System.IO.Hashing;
using System.Security.Cryptography;
using SysUpdate.Core.Pipeline;

namespace SysUpdate.Core.Tests.Pipeline;

public sealed class SegmentedDigestTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(4096, 1)]
    [InlineData(4097, 2)]
    [InlineData(3 * 4096, 3)]
    public void Complete_SegmentCountFollowsLength(int length, int segments)
    {
        var digest = new SegmentedDigest(4096);
        digest.Append(new byte[length]);
        digest.Complete();
        Assert.Equal(segments, digest.Segments.Count);
        Assert.Equal(length, digest.Length);
    }

    [Fact]
    public void Append_ChunkingDoesNotChangeTheSegments()
    {
        byte[] data = RandomNumberGenerator.GetBytes(10_000);
        var whole = new SegmentedDigest(4096);
        whole.Append(data);
        whole.Complete();

        var pieces = new SegmentedDigest(4096);
        for (int i = 0; i < data.Length; i += 777)
            pieces.Append(data.AsSpan(i, Math.Min(777, data.Length - i)));
        pieces.Complete();

        Assert.Equal(whole.Segments, pieces.Segments);
        Assert.Equal(XxHash3.HashToUInt64(data.AsSpan(4096, 4096)), whole.Segments[1]);
    }
}
