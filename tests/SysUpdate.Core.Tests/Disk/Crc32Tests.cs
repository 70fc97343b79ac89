using System.IO.Hashing;
using System.Text;

namespace SysUpdate.Core.Tests.Disk;

/// <summary>The GPT code takes its CRC-32 from System.IO.Hashing: these pin that it is the one UEFI uses
/// (IEEE 802.3, reflected polynomial 0xEDB88320, pre- and post-inverted).</summary>
public sealed class Crc32Tests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void HashToUInt32_KnownVectors(string text, uint expected) =>
        Assert.Equal(expected, Crc32.HashToUInt32(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void HashToUInt32_AgreesWithZlibCrc32ForRandomData()
    {
        // System.IO.Compression's gzip trailer carries the same IEEE CRC-32: compare against it.
        var random = new Random(1234);
        for (int length = 1; length < 2000; length += 97)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            using var output = new MemoryStream();
            using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(data);
            }

            byte[] gz = output.ToArray();
            uint trailerCrc = BitConverter.ToUInt32(gz, gz.Length - 8);
            Assert.Equal(trailerCrc, Crc32.HashToUInt32(data));
        }
    }
}
