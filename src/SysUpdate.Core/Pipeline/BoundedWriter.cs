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

    /// <summary>Copies with two buffers: the next chunk is decoded while the previous one is written.</summary>
    /// <returns>Bytes written.</returns>
    public static async Task<long> CopyAsync(
        Stream decoded, SafeFileHandle handle, long offset, long? maxBytes, string destination, bool sync, CancellationToken cancellationToken)
    {
        byte[][] buffers = [ArrayPool<byte>.Shared.Rent(ChunkSize), ArrayPool<byte>.Shared.Rent(ChunkSize)];
        long written = 0;
        Task? pendingWrite = null;
        try
        {
            for (int current = 0; ; current ^= 1)
            {
                var buffer = buffers[current].AsMemory(0, ChunkSize);
                int n = 0;
                try
                {
                    while (n < ChunkSize)
                    {
                        int read = await decoded.ReadAsync(buffer[n..], cancellationToken).ConfigureAwait(false);
                        if (read == 0)
                            break;
                        n += read;
                    }
                }
                catch (Exception) when (n > 0 && !cancellationToken.IsCancellationRequested && (maxBytes is not { } limit || written + n <= limit))
                {
                    // Keep what arrived before the source broke: an interrupted download resumes from there.
                    if (pendingWrite is not null)
                        await pendingWrite.ConfigureAwait(false);
                    pendingWrite = RandomAccess.WriteAsync(handle, buffer[..n], offset + written, cancellationToken).AsTask();
                    throw;
                }
                if (n == 0)
                    break;
                if (maxBytes is { } max && written + n > max)
                    throw new SysUpdateException($"{destination}: payload is larger than the {max} bytes available there, refusing to write past its end")
                    { ErrnoName = "EFBIG" };
                if (pendingWrite is not null)
                    await pendingWrite.ConfigureAwait(false);
                pendingWrite = RandomAccess.WriteAsync(handle, buffers[current].AsMemory(0, n), offset + written, cancellationToken).AsTask();
                written += n;
            }
            if (pendingWrite is not null)
                await pendingWrite.ConfigureAwait(false);
        }
        finally
        {
            if (pendingWrite is not null)
            {
                try
                {
                    await pendingWrite.ConfigureAwait(false); // never return a buffer a write still reads from
                }
                catch (Exception) when (pendingWrite.IsFaulted || pendingWrite.IsCanceled)
                {
                    // Reported by the await above when it mattered.
                }
            }
            ArrayPool<byte>.Shared.Return(buffers[0]);
            ArrayPool<byte>.Shared.Return(buffers[1]);
        }
        if (sync)
            RandomAccess.FlushToDisk(handle);
        return written;
    }
}
