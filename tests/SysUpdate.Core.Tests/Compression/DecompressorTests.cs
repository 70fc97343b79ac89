using System.IO.Compression;
using SysUpdate.Core.Compression;

namespace SysUpdate.Core.Tests.Compression;

public sealed class DecompressorTests
{
    public static TheoryData<string, string, int> ToolCases()
    {
        var data = new TheoryData<string, string, int>();
        string[][] tools =
        [
            ["gzip", "-c"],
            ["gzip", "-1 -c"],
            ["xz", "-c"],
            ["xz", "-T2 --block-size=65536 -c"],
            ["zstd", "-q -c"],
            ["zstd", "-q -19 --no-check -c"],
            ["bzip2", "-c"],
            ["bzip2", "-1 -c"],
        ];
        foreach (string[] tool in tools)
            foreach (int size in new[] { 0, 1, 4097, 3 * 1024 * 1024 + 17 })
                data.Add(tool[0], tool[1], size);
        return data;
    }

    [Theory]
    [MemberData(nameof(ToolCases))]
    public void OpenRead_SystemToolOutput_MatchesOriginal(string tool, string arguments, int size)
    {
        byte[] original = CompressionTestData.Payload(size, seed: size);
        byte[] compressed = CompressionTestData.Compress(original, tool, arguments.Split(' '));

        byte[] decoded = DecodeSync(compressed, CompressionSniffer.Detect(compressed), readSize: 81920);

        Assert.Equal(CompressionTestData.Sha256(original), CompressionTestData.Sha256(decoded));
    }

    [Theory]
    [MemberData(nameof(ToolCases))]
    public async Task OpenRead_SystemToolOutputReadAsync_MatchesOriginal(string tool, string arguments, int size)
    {
        byte[] original = CompressionTestData.Payload(size, seed: size + 1);
        byte[] compressed = CompressionTestData.Compress(original, tool, arguments.Split(' '));

        byte[] decoded = await DecodeAsync(compressed, CompressionSniffer.Detect(compressed), readSize: 7000);

        Assert.Equal(CompressionTestData.Sha256(original), CompressionTestData.Sha256(decoded));
    }

    [Theory]
    [InlineData(2, CompressionLevel.Optimal)] // GZipStream writes nothing at all for 0 bytes
    [InlineData(1, CompressionLevel.Fastest)]
    [InlineData(2 * 1024 * 1024 + 5, CompressionLevel.SmallestSize)]
    public void OpenRead_DotnetGzipStreamOutput_MatchesOriginal(int size, CompressionLevel level)
    {
        byte[] original = CompressionTestData.Payload(size, seed: 7);
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, level, leaveOpen: true))
            gzip.Write(original);

        byte[] decoded = DecodeSync(buffer.ToArray(), CompressionFormat.Gzip, readSize: 4096);

        Assert.Equal(CompressionTestData.Sha256(original), CompressionTestData.Sha256(decoded));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("xz")]
    [InlineData("zstd")]
    [InlineData("bzip2")]
    public async Task OpenRead_ConcatenatedStreams_DecodesAll(string tool)
    {
        byte[] first = CompressionTestData.Payload(300_000, seed: 11);
        byte[] second = CompressionTestData.Payload(5, seed: 12);
        byte[] third = CompressionTestData.Payload(200_000, seed: 13);
        byte[] compressed =
        [
            .. CompressionTestData.Compress(first, tool, "-c"),
            .. CompressionTestData.Compress(second, tool, "-c"),
            .. CompressionTestData.Compress(third, tool, "-c"),
        ];

        byte[] decodedSync = DecodeSync(compressed, CompressionSniffer.Detect(compressed), readSize: 65536);
        byte[] decodedAsync = await DecodeAsync(compressed, CompressionSniffer.Detect(compressed), readSize: 1 << 20);

        string expected = CompressionTestData.Sha256([.. first, .. second, .. third]);
        Assert.Equal(expected, CompressionTestData.Sha256(decodedSync));
        Assert.Equal(expected, CompressionTestData.Sha256(decodedAsync));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("xz")]
    [InlineData("zstd")]
    [InlineData("bzip2")]
    public async Task OpenRead_TruncatedInput_ThrowsCompressedDataException(string tool)
    {
        byte[] compressed = CompressionTestData.Compress(CompressionTestData.Payload(200_000, seed: 3), tool, "-c");
        CompressionFormat format = CompressionSniffer.Detect(compressed);

        foreach (int length in new[] { compressed.Length - 1, compressed.Length - 4, compressed.Length / 2, 6 })
        {
            byte[] cut = compressed[..length];
            var syncError = Assert.Throws<CompressedDataException>(() => DecodeSync(cut, format, readSize: 65536));
            var asyncError = await Assert.ThrowsAsync<CompressedDataException>(() => DecodeAsync(cut, format, readSize: 65536));
            Assert.Equal(format, syncError.Format);
            Assert.Equal(format, asyncError.Format);
            Assert.IsAssignableFrom<SysUpdateException>(syncError);
        }
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("xz")]
    [InlineData("zstd")]
    [InlineData("bzip2")]
    public void OpenRead_CorruptedInput_ThrowsCompressedDataException(string tool)
    {
        byte[] compressed = CompressionTestData.Compress(CompressionTestData.Payload(200_000, seed: 4), tool, "-c");
        CompressionFormat format = CompressionSniffer.Detect(compressed);

        foreach (int position in new[] { compressed.Length / 3, compressed.Length / 2, compressed.Length - 2 })
        {
            byte[] corrupt = (byte[])compressed.Clone();
            corrupt[position] ^= 0x55;
            Assert.Throws<CompressedDataException>(() => DecodeSync(corrupt, format, readSize: 65536));
        }
    }

    [Theory]
    [InlineData(8, "CRC-32")]
    [InlineData(4, "ISIZE")]
    public void OpenRead_GzipTrailerMismatch_ThrowsCompressedDataException(int offsetFromEnd, string field)
    {
        // The deflate data stays intact; only the trailer field (CRC-32 at -8, ISIZE at -4) disagrees with it.
        byte[] compressed = CompressionTestData.Compress(CompressionTestData.Payload(100_000, seed: 6), "gzip", "-c");
        compressed[^offsetFromEnd] ^= 0x01;

        var error = Assert.Throws<CompressedDataException>(() => DecodeSync(compressed, CompressionFormat.Gzip, readSize: 65536));
        Assert.False(string.IsNullOrEmpty(error.Message), field);
    }

    [Fact]
    public void OpenRead_GzipSecondMemberWithoutHeader_ThrowsCompressedDataException()
    {
        byte[] member = CompressionTestData.Compress(CompressionTestData.Payload(5_000, seed: 7), "gzip", "-c");
        byte[] headless = [.. member, .. member.AsSpan(10)];

        Assert.Throws<CompressedDataException>(() => DecodeSync(headless, CompressionFormat.Gzip, readSize: 4096));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("xz")]
    [InlineData("zstd")]
    [InlineData("bzip2")]
    public void OpenRead_TrailingGarbage_ThrowsCompressedDataException(string tool)
    {
        byte[] compressed = [.. CompressionTestData.Compress(CompressionTestData.Payload(10_000, seed: 5), tool, "-c"), .. "garbage"u8];

        Assert.Throws<CompressedDataException>(() => DecodeSync(compressed, CompressionSniffer.Detect(compressed), readSize: 65536));
    }

    [Theory]
    [InlineData("Gzip")]
    [InlineData("Xz")]
    [InlineData("Zstd")]
    [InlineData("Bzip2")]
    public void OpenRead_EmptyInput_ThrowsCompressedDataException(string formatName)
    {
        var format = Enum.Parse<CompressionFormat>(formatName);
        Assert.Throws<CompressedDataException>(() => DecodeSync([], format, readSize: 100));
    }

    [Fact]
    public void OpenRead_None_PassesBytesThrough()
    {
        byte[] original = CompressionTestData.Payload(100_000, seed: 9);

        Assert.Equal(original, DecodeSync(original, CompressionFormat.None, readSize: 1000));
    }

    [Theory]
    [InlineData("None")]
    [InlineData("Gzip")]
    [InlineData("Zstd")]
    public void Dispose_LeaveOpen_ControlsInnerStream(string formatName)
    {
        var format = Enum.Parse<CompressionFormat>(formatName);
        var kept = new MemoryStream();
        Decompressor.OpenRead(kept, format, leaveOpen: true).Dispose();
        Assert.True(kept.CanRead);

        var closed = new MemoryStream();
        Decompressor.OpenRead(closed, format, leaveOpen: false).Dispose();
        Assert.False(closed.CanRead);
    }

    [Fact]
    public void OpenRead_Stream_IsReadOnlyForwardOnly()
    {
        using Stream stream = Decompressor.OpenRead(new MemoryStream(), CompressionFormat.Xz, leaveOpen: false);

        Assert.True(stream.CanRead);
        Assert.False(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Throws<NotSupportedException>(() => stream.Length);
        Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
    }

    [Fact]
    public void Load_MissingLibrary_ThrowsSysUpdateExceptionNamingPackage()
    {
        var error = Assert.Throws<SysUpdateException>(
            () => NativeCodecLibrary.Load("libsysupdate-no-such-codec.so.9", "libnosuchcodec1", "nosuch"));

        Assert.Contains("libsysupdate-no-such-codec.so.9", error.Message);
        Assert.Contains("libnosuchcodec1", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task ReadAsync_Cancelled_ThrowsOperationCanceled()
    {
        byte[] compressed = CompressionTestData.Compress(CompressionTestData.Payload(1000), "zstd", "-q", "-c");
        using Stream stream = Decompressor.OpenRead(new MemoryStream(compressed), CompressionFormat.Zstd, leaveOpen: false);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => _ = await stream.ReadAsync(new byte[100], new CancellationToken(canceled: true)));
    }

    private static byte[] DecodeSync(byte[] compressed, CompressionFormat format, int readSize)
    {
        using Stream stream = Decompressor.OpenRead(new MemoryStream(compressed), format, leaveOpen: false);
        var output = new MemoryStream();
        var buffer = new byte[readSize];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            output.Write(buffer, 0, n);
        Assert.Equal(0, stream.Read(buffer, 0, buffer.Length)); // stays at end
        return output.ToArray();
    }

    private static async Task<byte[]> DecodeAsync(byte[] compressed, CompressionFormat format, int readSize)
    {
        await using Stream stream = Decompressor.OpenRead(new MemoryStream(compressed), format, leaveOpen: false);
        var output = new MemoryStream();
        var buffer = new byte[readSize];
        int n;
        while ((n = await stream.ReadAsync(buffer.AsMemory())) > 0)
            output.Write(buffer, 0, n);
        return output.ToArray();
    }
}
