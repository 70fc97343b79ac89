using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Disk;
using SysUpdate.Core.Native;

namespace SysUpdate.Core.Pipeline;

/// <summary>
/// Reads a written (and fsynced) payload back from the device, past the page cache, and compares it
/// segment by segment with the <see cref="SegmentedDigest"/> taken as it was written: bytes that the disk
/// did not keep (a bad block, a lying cache, a wrong offset) fail the update before the slot is committed.
/// <c>O_DIRECT</c> into aligned buffers where the device allows it; elsewhere the range is dropped from the
/// page cache (<c>posix_fadvise(DONTNEED)</c>) and read buffered. Which one was used goes to the log.
/// </summary>
internal sealed class PayloadReadback
{
    private const int Alignment = BoundedWriter.DirectAlignment;

    private readonly Action<string>? _log;
    private readonly Func<WrittenRange, CancellationToken, ValueTask>? _beforeRead;

    /// <param name="log">Receives one line per read-back: what was read and how.</param>
    /// <param name="beforeRead">Tests only: runs after the write and before the read (to change bytes on disk).</param>
    public PayloadReadback(Action<string>? log = null, Func<WrittenRange, CancellationToken, ValueTask>? beforeRead = null)
    {
        _log = log;
        _beforeRead = beforeRead;
    }

    /// <exception cref="ReadbackMismatchException">A segment differs, or the range could not be read in full.</exception>
    public async Task<ReadbackMode> VerifyAsync(WrittenRange range, SegmentedDigest written, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(written);
        cancellationToken.ThrowIfCancellationRequested();
        if (written.Length != range.Length)
            throw new InvalidOperationException($"digest covers {written.Length} bytes, the range {range.Length}");
        if (_beforeRead is not null)
            await _beforeRead(range, cancellationToken).ConfigureAwait(false);

        ReadbackMode mode = ReadbackMode.Direct;
        SegmentedDigest? read = null;
        if (DiskInterop.O_DIRECT != 0 && TryOpen(range.Device, DiskInterop.O_RDONLY | DiskInterop.O_DIRECT) is { } direct)
        {
            using (direct)
                read = await ReadDirectAsync(direct, range, written.SegmentSize, cancellationToken).ConfigureAwait(false);
        }
        if (read is null)
        {
            mode = ReadbackMode.DroppedCacheBuffered;
            using var buffered = LibC.OpenExpecting(range.Device, DiskInterop.O_RDONLY, FileKind.Regular | FileKind.BlockDevice);
            LibC.DropFromPageCache(buffered, range.Offset, range.Length);
            read = await ReadBufferedAsync(buffered, range, written.SegmentSize, cancellationToken).ConfigureAwait(false);
        }

        Compare(range, written, read);
        _log?.Invoke(mode == ReadbackMode.Direct
            ? $"{range.Name}: read back {range.Length} bytes with O_DIRECT: identical to what was written."
            : $"{range.Name}: read back {range.Length} bytes after dropping them from the page cache (O_DIRECT refused by {range.Device}): identical to what was written.");
        return mode;
    }

    private static SafeFileHandle? TryOpen(string device, int flags)
    {
        try
        {
            return LibC.OpenExpecting(device, flags, FileKind.Regular | FileKind.BlockDevice);
        }
        catch (FileOpenException ex) when (ex.Errno == Errno.EINVAL)
        {
            return null; // the file system does not offer O_DIRECT (tmpfs on older kernels, some FUSE)
        }
    }

    /// <summary>Reads each segment as the aligned window around it; null if the device refuses O_DIRECT reads.</summary>
    private static async Task<SegmentedDigest?> ReadDirectAsync(SafeFileHandle handle, WrittenRange range, int segmentSize, CancellationToken cancellationToken)
    {
        using var buffer = new AlignedBuffer(segmentSize + (2 * Alignment), Alignment);
        var digest = new SegmentedDigest(segmentSize);
        long end = range.Offset + range.Length;
        for (long start = range.Offset; start < end; start += segmentSize)
        {
            long stop = Math.Min(start + segmentSize, end);
            long windowStart = start / Alignment * Alignment;
            long windowEnd = (stop + Alignment - 1) / Alignment * Alignment;
            int got;
            try
            {
                got = await ReadFullyAsync(handle, buffer.Memory[..checked((int)(windowEnd - windowStart))], windowStart, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException) when (start == range.Offset)
            {
                return null; // opened, but the first O_DIRECT read was refused (EINVAL): read buffered instead
            }
            catch (IOException ex)
            {
                throw new ReadbackMismatchException(range, start, stop, $"failed: {ex.Message.ReplaceLineEndings(" ")}");
            }
            int from = (int)(start - windowStart);
            int wanted = (int)(stop - start);
            if (got < from + wanted)
                throw new ReadbackMismatchException(range, start, stop, "ended early (the device is shorter than what was written)");
            digest.Append(buffer.Memory.Span.Slice(from, wanted));
        }
        digest.Complete();
        return digest;
    }

    private static async Task<SegmentedDigest> ReadBufferedAsync(SafeFileHandle handle, WrittenRange range, int segmentSize, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[segmentSize];
        var digest = new SegmentedDigest(segmentSize);
        long end = range.Offset + range.Length;
        for (long start = range.Offset; start < end; start += segmentSize)
        {
            int wanted = (int)Math.Min(segmentSize, end - start);
            int got;
            try
            {
                got = await ReadFullyAsync(handle, buffer.AsMemory(0, wanted), start, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new ReadbackMismatchException(range, start, start + wanted, $"failed: {ex.Message.ReplaceLineEndings(" ")}");
            }
            if (got < wanted)
                throw new ReadbackMismatchException(range, start, start + wanted, "ended early (the device is shorter than what was written)");
            digest.Append(buffer.AsSpan(0, wanted));
        }
        digest.Complete();
        return digest;
    }

    private static async Task<int> ReadFullyAsync(SafeFileHandle handle, Memory<byte> buffer, long offset, CancellationToken cancellationToken)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = await RandomAccess.ReadAsync(handle, buffer[total..], offset + total, cancellationToken).ConfigureAwait(false);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }

    private static void Compare(WrittenRange range, SegmentedDigest written, SegmentedDigest read)
    {
        for (int i = 0; i < written.Segments.Count; i++)
        {
            if (i >= read.Segments.Count || written.Segments[i] != read.Segments[i])
            {
                long start = range.Offset + ((long)i * written.SegmentSize);
                long stop = Math.Min(start + written.SegmentSize, range.Offset + range.Length);
                throw new ReadbackMismatchException(range, start, stop, "differs from what was written");
            }
        }
    }
}
