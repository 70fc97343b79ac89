using SysUpdate.Core.Compression;

namespace SysUpdate.Core.Tests.Compression;

/// <summary>Each native decoder keeps its codec context in a SafeHandle: disposing frees it once, and a
/// decoder used after that says so instead of handing a freed pointer to the library.</summary>
public sealed class NativeDecoderDisposalTests
{
    public static TheoryData<string> Decoders => new() { "zstd", "xz", "xz (block-parallel)", "bzip2", "gzip" };

    private static IStreamDecoder Create(string name) => name switch
    {
        "zstd" => new ZstdDecoder(),
        "xz" => new XzDecoder(),
        "xz (block-parallel)" => new SysUpdate.Core.Compression.Xz.BlockParallelXzDecoder(workers: 2),
        "bzip2" => new Bzip2Decoder(),
        "gzip" => new GzipDecoder(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Dispose_Twice_ThenDecode_ThrowsObjectDisposed(string name)
    {
        var decoder = Create(name);
        decoder.Dispose();
        decoder.Dispose();

        Assert.Throws<ObjectDisposedException>(() => decoder.Decode(0, 0, 0, 0, finalInput: true, out _, out _));
    }
}
