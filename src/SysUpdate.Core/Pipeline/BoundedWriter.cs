using System.Buffers;
using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Disk;
using SysUpdate.Core.Native;

namespace SysUpdate.Core.Pipeline;

/// <summary>
/// The back half of the data path for file and partition targets: copies the decoded payload to a
/// file handle at an offset, never past <c>maxBytes</c>, then flushes it to stable storage.
/// </summary>
internal static class BoundedWriter
{
    internal const int ChunkSize = 1024 * 1024;

    /// <summary>Alignment of memory, offsets and lengths for <c>O_DIRECT</c> writes (fits 512 and 4096 byte sectors).</summary>
    public const int DirectAlignment = 4096;

    /// <summary>Copies with two buffers: the next chunk is decoded while the previous one is written.
    /// With a <paramref name="direct"/> handle (opened <c>O_DIRECT</c> on the same file), whole aligned
    /// chunks bypass the page cache — no copy into it, no write-back at fsync; the unaligned tail
    /// goes through <paramref name="handle"/>.</summary>
    /// <param name="digest">Receives every byte as it is handed to a write, for a later read-back; completed at the end.</param>
    /// <param name="directBuffers">The aligned buffers for <paramref name="direct"/> writes, when the caller writes a payload in
    /// several calls (fresh native memory per call costs a page fault per page); else the call allocates its own.</param>
    /// <returns>Bytes written.</returns>
    /// <exception cref="PayloadWriteException">A write or the flush failed (ENOSPC, EIO, …).</exception>
    public static async Task<long> CopyAsync(
        Stream decoded, SafeFileHandle handle, long offset, long? maxBytes, string destination, bool sync, CancellationToken cancellationToken,
        SafeFileHandle? direct = null, SegmentedDigest? digest = null, DirectWriteBuffers? directBuffers = null)
    {
        if (direct is not null && offset % DirectAlignment != 0)
            direct = null;
        using var ownBuffers = direct is null || directBuffers is not null ? null : new DirectWriteBuffers();
        var aligned = directBuffers ?? ownBuffers;
        byte[]? rentedA = direct is null ? ArrayPool<byte>.Shared.Rent(ChunkSize) : null;
        byte[]? rentedB = direct is null ? ArrayPool<byte>.Shared.Rent(ChunkSize) : null;
        Memory<byte>[] buffers = direct is null
            ? [rentedA!.AsMemory(0, ChunkSize), rentedB!.AsMemory(0, ChunkSize)]
            : [aligned!.First, aligned.Second];
        long written = 0;
        Task? pendingWrite = null;
        try
        {
            for (int current = 0; ; current ^= 1)
            {
                var buffer = buffers[current];
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
                    { Errno = Errno.EFBIG };
                if (pendingWrite is not null)
                    await pendingWrite.ConfigureAwait(false);
                digest?.Append(buffer.Span[..n]);
                pendingWrite = WriteAsync(buffer[..n], offset + written);
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
            if (rentedA is not null)
                ArrayPool<byte>.Shared.Return(rentedA);
            if (rentedB is not null)
                ArrayPool<byte>.Shared.Return(rentedB);
        }
        if (sync)
            FlushToDisk(handle, direct, destination, offset);
        digest?.Complete();
        return written;

        async Task WriteAsync(ReadOnlyMemory<byte> data, long position)
        {
            int aligned = direct is null ? 0 : data.Length - (data.Length % DirectAlignment);
            if (aligned > 0)
            {
                try
                {
                    await RandomAccess.WriteAsync(direct!, data[..aligned], position, cancellationToken).ConfigureAwait(false);
                }
                catch (UnauthorizedAccessException ex)
                {
                    throw new PayloadWriteException(destination, position, ex);
                }
                catch (IOException)
                {
                    // Some file systems open O_DIRECT but refuse the writes: continue buffered.
                    direct = null;
                    aligned = 0;
                }
            }
            if (aligned < data.Length)
            {
                try
                {
                    await RandomAccess.WriteAsync(handle, data[aligned..], position + aligned, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (PayloadWriteException.IsWriteFailure(ex))
                {
                    throw new PayloadWriteException(destination, position + aligned, ex);
                }
            }
        }
    }

    /// <summary>The <c>direct</c> descriptor for <see cref="CopyAsync"/> on a file opened as <paramref name="handle"/>: the same
    /// file reopened <c>O_DIRECT</c>, or null where the file system (or a missing <c>/proc</c>) refuses it and the writes stay
    /// buffered. Without it a file's payload sits in the page cache until the closing fsync writes all of it back, after
    /// the download and decoding are done, instead of while they run.</summary>
    public static SafeFileHandle? TryOpenDirect(SafeFileHandle handle) =>
        DiskInterop.O_DIRECT == 0 ? null : LibC.TryReopen(handle, DiskInterop.O_RDWR | DiskInterop.O_DIRECT, out _);

    /// <summary>fsyncs what was written through both descriptors (<paramref name="direct"/> may be null).</summary>
    /// <exception cref="PayloadWriteException">The flush failed (EIO, a device that went away, …).</exception>
    public static void FlushToDisk(SafeFileHandle handle, SafeFileHandle? direct, string destination, long offset)
    {
        try
        {
            RandomAccess.FlushToDisk(handle);
            if (direct is not null)
                RandomAccess.FlushToDisk(direct);
        }
        catch (Exception ex) when (PayloadWriteException.IsWriteFailure(ex))
        {
            throw new PayloadWriteException(destination, offset, ex);
        }
    }
}
