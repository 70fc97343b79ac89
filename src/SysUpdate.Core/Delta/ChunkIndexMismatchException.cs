using SysUpdate.Core.Transport;

namespace SysUpdate.Core.Delta;

/// <summary>A fetched <c>.caibx</c> whose SHA-256 is not the one its (signed) manifest lists.</summary>
internal sealed class ChunkIndexMismatchException(Uri url, string expected, string actual)
    : SysUpdateException($"{TransportException.Display(url)}: SHA-256 {actual} does not match the manifest's {expected}")
{
    public Uri Url { get; } = url;
}
