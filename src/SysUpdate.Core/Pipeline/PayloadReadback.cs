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

    /// <summary>Bytes per O_DIRECT read (rounded to whole segments); two such buffers are held while reading back.</summary>
    private const int WindowSize = 4 * 1024 * 1024;

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
                read = await ReadDirectAsync(direct, range, written, cancellationToken).ConfigureAwait(false);
        }
        if (read is null)
        {
            mode = ReadbackMode.DroppedCacheBuffered;
            using var buffered = LibC.OpenExpecting(range.Device, DiskInterop.O_RDONLY, FileKind.Regular | FileKind.BlockDevice);
            LibC.DropFromPageCache(buffered, range.Offset, range.Length);
            read = await ReadBufferedAsync(buffered, range, written, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Reads the range in windows of several segments, each as the aligned span around it, with the next window
    /// already being read while one is hashed and compared, so the device does not wait for the CPU between requests.
    /// Null if the device refuses O_DIRECT reads.</summary>
    private static async Task<SegmentedDigest?> ReadDirectAsync(SafeFileHandle handle, WrittenRange range, SegmentedDigest written, CancellationToken cancellationToken)
    {
        int segmentSize = written.SegmentSize;
        int window = Math.Max(1, WindowSize / segmentSize) * segmentSize;
        using var first = new AlignedBuffer(window + (2 * Alignment), Alignment);
        using var second = new AlignedBuffer(window + (2 * Alignment), Alignment);
        AlignedBuffer[] buffers = [first, second];
        var read = new SegmentedDigest(segmentSize);
        int compared = 0;
        long end = range.Offset + range.Length;
        Task<int>? pending = ReadWindowAsync(handle, first, range.Offset, Math.Min(range.Offset + window, end), cancellationToken);
        try
        {
            int current = 0;
            for (long start = range.Offset; start < end; current ^= 1)
            {
                long stop = Math.Min(start + window, end);
                int got;
                try
                {
                    got = await pending!.ConfigureAwait(false);
                }
                catch (IOException) when (start == range.Offset)
                {
                    return null; // opened, but the first O_DIRECT read was refused (EINVAL): read buffered instead
                }
                catch (IOException ex)
                {
                    throw new ReadbackMismatchException(range, start, stop, $"failed: {ex.Message.ReplaceLineEndings(" ")}");
                }
                finally
                {
                    pending = null;
                }
                if (stop < end)
                    pending = ReadWindowAsync(handle, buffers[current ^ 1], stop, Math.Min(stop + window, end), cancellationToken);

                int from = (int)(start - AlignDown(start));
                int wanted = (int)(stop - start);
                int available = Math.Clamp(got - from, 0, wanted);
                read.Append(buffers[current].Memory.Span.Slice(from, available));
                compared = CompareCompleted(range, written, read, compared);
                if (available < wanted)
                {
                    long shortAt = start + (available / segmentSize * segmentSize);
                    throw new ReadbackMismatchException(range, shortAt, Math.Min(shortAt + segmentSize, end),
                        "ended early (the device is shorter than what was written)");
                }
                start = stop;
            }
        }
        finally
        {
            if (pending is not null)
            {
                // Never free a buffer the kernel may still be reading into.
                await pending.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                    .ConfigureAwait(false);
            }
        }
        read.Complete();
        return read;
    }

    /// <summary>Reads the aligned span around [<paramref name="start"/>, <paramref name="stop"/>) into <paramref name="buffer"/>.</summary>
    private static Task<int> ReadWindowAsync(SafeFileHandle handle, AlignedBuffer buffer, long start, long stop, CancellationToken cancellationToken)
    {
        long alignedStart = AlignDown(start);
        long alignedStop = AlignDown(stop + Alignment - 1);
        return ReadFullyAsync(handle, buffer.Memory[..checked((int)(alignedStop - alignedStart))], alignedStart, cancellationToken);
    }

    private static long AlignDown(long position) => position / Alignment * Alignment;

    private static async Task<SegmentedDigest> ReadBufferedAsync(SafeFileHandle handle, WrittenRange range, SegmentedDigest written, CancellationToken cancellationToken)
    {
        int segmentSize = written.SegmentSize;
        byte[] buffer = new byte[segmentSize];
        var digest = new SegmentedDigest(segmentSize);
        int compared = 0;
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
            compared = CompareCompleted(range, written, digest, compared);
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

    /// <summary>Compares the segments <paramref name="read"/> completed since <paramref name="alreadyCompared"/>: a
    /// difference fails at once instead of after the rest of the range was read.</summary>
    /// <returns>How many segments are compared now.</returns>
    private static int CompareCompleted(WrittenRange range, SegmentedDigest written, SegmentedDigest read, int alreadyCompared)
    {
        int count = read.Segments.Count;
        for (int i = alreadyCompared; i < count; i++)
        {
            if (i >= written.Segments.Count || written.Segments[i] != read.Segments[i])
                throw Differs(range, written, i);
        }
        return count;
    }

    private static void Compare(WrittenRange range, SegmentedDigest written, SegmentedDigest read)
    {
        int count = CompareCompleted(range, written, read, 0);
        if (count < written.Segments.Count)
            throw Differs(range, written, count);
    }

    private static ReadbackMismatchException Differs(WrittenRange range, SegmentedDigest written, int segment)
    {
        long start = range.Offset + ((long)segment * written.SegmentSize);
        long stop = Math.Min(start + written.SegmentSize, range.Offset + range.Length);
        return new ReadbackMismatchException(range, start, stop, "differs from what was written");
    }
}
