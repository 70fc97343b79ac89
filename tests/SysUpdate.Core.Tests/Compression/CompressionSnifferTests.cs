using SysUpdate.Core.Compression;

namespace SysUpdate.Core.Tests.Compression;

public sealed class CompressionSnifferTests
{
    [Theory]
    [InlineData("", "None")]
    [InlineData("1f", "None")]
    [InlineData("1f8b", "None")] // too short for the method byte
    [InlineData("1f8b08", "Gzip")]
    [InlineData("1f8b00", "None")] // not deflate: a raw image that starts like gzip
    [InlineData("1f8b0800000000000003", "Gzip")]
    [InlineData("1f8c", "None")]
    [InlineData("fd377a585a00", "Xz")]
    [InlineData("fd377a585a000004e6d6b446", "Xz")]
    [InlineData("fd377a585a", "None")]
    [InlineData("fd377a585a01", "None")]
    [InlineData("28b52ffd", "Zstd")]
    [InlineData("28b52ffd0458", "Zstd")]
    [InlineData("28b52f", "None")]
    [InlineData("425a6839", "Bzip2")] // BZh9
    [InlineData("425a6831", "Bzip2")] // BZh1
    [InlineData("425a6830", "None")] // BZh0
    [InlineData("425a683a", "None")] // BZh:
    [InlineData("425a68", "None")] // BZh, too short
    [InlineData("7f454c46", "None")] // ELF
    [InlineData("0000000000000000", "None")]
    public void Detect_MagicTable_ReturnsFormat(string hex, string expected)
    {
        Assert.Equal(Enum.Parse<CompressionFormat>(expected), CompressionSniffer.Detect(Convert.FromHexString(hex)));
    }

    [Theory]
    [InlineData("gzip", "Gzip")]
    [InlineData("xz", "Xz")]
    [InlineData("zstd", "Zstd")]
    [InlineData("bzip2", "Bzip2")]
    public void Detect_SystemToolOutput_RecognisesFormat(string tool, string expected)
    {
        byte[] compressed = CompressionTestData.Compress(CompressionTestData.Payload(1000), tool, "-c");
        Assert.Equal(Enum.Parse<CompressionFormat>(expected), CompressionSniffer.Detect(compressed.AsSpan(0, CompressionSniffer.MaxMagicLength)));
    }

    [Fact]
    public void MaxMagicLength_CoversLongestMagic_IsSix()
    {
        Assert.Equal(6, CompressionSniffer.MaxMagicLength);
    }
}
