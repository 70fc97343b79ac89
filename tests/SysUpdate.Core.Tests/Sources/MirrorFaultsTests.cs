using SysUpdate.Core.Compression;
using SysUpdate.Core.Pipeline;
using SysUpdate.Core.Sources;
using SysUpdate.Core.Targets;
using SysUpdate.Core.Transport;

namespace SysUpdate.Core.Tests.Sources;

/// <summary>Which payload failures move on to the next mirror: the server's, never the target's.</summary>
public sealed class MirrorFaultsTests
{
    private static readonly Uri Url = new("http://127.0.0.1:1/images/usr-v2.raw");

    public static TheoryData<string, Exception, bool> Cases => new()
    {
        { "connection refused", new TransportException(Url, TransportError.Network, "connection refused"), true },
        { "HTTP 503", new TransportException(Url, TransportError.HttpStatus, "HTTP 503") { StatusCode = 503 }, true },
        { "HTTP 404", new TransportException(Url, TransportError.HttpStatus, "HTTP 404") { StatusCode = 404 }, true },
        { "cut off, bytes kept", new SysUpdateException("cut off; 4096 bytes kept", new TransportException(Url, TransportError.Truncated, "cut off")), true },
        { "hash mismatch", new HashMismatchException(Url.AbsoluteUri, "aa", "bb"), true },
        { "corrupt xz", new CompressedDataException(CompressionFormat.Xz, "corrupt"), true },
        { "corrupt tar", new TarArchiveException(TarArchiveError.Malformed, "bad header"), true },
        { "device refused write", new PayloadWriteException("/dev/sda3", 0, new IOException("EIO")), false },
        { "plain user error", new SysUpdateException("no space"), false },
        { "cancelled", new OperationCanceledException(), false },
        { "bug", new InvalidOperationException(), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsServerFault_ByType(string what, Exception exception, bool expected) =>
        Assert.True(MirrorFaults.IsServerFault(exception) == expected, what);
}
