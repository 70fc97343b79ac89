using System.Text;
using SysUpdate.Core.Disk;

namespace SysUpdate.Core.Tests.Disk;

public sealed class Crc32Tests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Compute_KnownVectors(string text, uint expected) =>
        Assert.Equal(expected, Crc32.Compute(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void Compute_AgreesWithZlibCrc32ForRandomData()
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
            Assert.Equal(trailerCrc, Crc32.Compute(data));
        }
    }
}
