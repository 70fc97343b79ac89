using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace SysUpdate.Core.Pipeline;

/// <summary>
/// The back half of the data path for file and partition targets: copies the decoded payload to a
/// file handle at an offset, never past <c>maxBytes</c>, then flushes it to stable storage.
/// </summary>
internal static class BoundedWriter
{
    private const int ChunkSize = 1024 * 1024;

    /// <returns>Bytes written.</returns>
    public static async Task<long> CopyAsync(
        Stream decoded, SafeFileHandle handle, long offset, long? maxBytes, string destination, bool sync, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        long written = 0;
        try
        {
            while (true)
            {
                int n = await ReadFullAsync(decoded, buffer.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                    break;
                if (maxBytes is { } max && written + n > max)
                    throw new SysUpdateException($"{destination}: payload is larger than the {max} bytes available there, refusing to write past its end")
                    { ErrnoName = "EFBIG" };
                await RandomAccess.WriteAsync(handle, buffer.AsMemory(0, n), offset + written, cancellationToken).ConfigureAwait(false);
                written += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (sync)
            RandomAccess.FlushToDisk(handle);
        return written;
    }

    private static async ValueTask<int> ReadFullAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }
}
