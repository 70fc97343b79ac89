using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Native;

namespace SysUpdate.Core.Disk;

/// <summary>
/// Zeroes a byte range of a disk — the rest of a partition after its payload (<c>PartitionZeroFill=</c>) —
/// letting the kernel and the device do it where they can:
/// <list type="bullet">
/// <item>block device: the part from the next logical-sector boundary on goes to <c>BLKZEROOUT</c>; the
/// remainder smaller than a sector before it, which <c>BLKZEROOUT</c> refuses, is written as zeroes;</item>
/// <item>image file: <c>fallocate(FALLOC_FL_ZERO_RANGE)</c>, else <c>FALLOC_FL_PUNCH_HOLE</c> (both keep the
/// file size), which zero partial blocks themselves;</item>
/// <item>where neither is offered (EOPNOTSUPP and the like): plain zero writes.</item>
/// </list>
/// Nothing outside <c>[offset, offset + length)</c> is touched. The caller flushes afterwards if it syncs.
/// </summary>
internal static class ZeroFiller
{
    private const int WriteChunk = 1024 * 1024;

    /// <summary>Offloads go to the kernel in pieces this large, so cancellation is seen between them.</summary>
    private const long OffloadChunk = 256L * 1024 * 1024;

    /// <param name="handle">A writable descriptor on the disk (block device or image file).</param>
    /// <param name="offset">First byte to zero.</param>
    /// <param name="length">Bytes to zero; 0 does nothing.</param>
    /// <param name="destination">Names the partition in errors.</param>
    /// <exception cref="ZeroFillException">The device or file system refused (EIO, EROFS, EPERM, …).</exception>
    public static Task<ZeroFillOutcome> ZeroAsync(SafeFileHandle handle, long offset, long length, string destination,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        cancellationToken.ThrowIfCancellationRequested();
        if (length == 0)
            return Task.FromResult(new ZeroFillOutcome(ZeroFillOffload.None, 0, 0));
        // ioctl and fallocate block the calling thread for as long as the device takes.
        return Task.Run(() => Zero(handle, offset, length, destination, cancellationToken), cancellationToken);
    }

    private static ZeroFillOutcome Zero(SafeFileHandle handle, long offset, long length, string destination, CancellationToken cancellationToken)
    {
        int sectorSize = 0;
        bool blockDevice = DiskInterop.IoctlInt32(handle, DiskInterop.BLKSSZGET, ref sectorSize) == 0 && sectorSize > 0;
        return blockDevice
            ? ZeroOnBlockDevice(handle, offset, length, sectorSize, destination, cancellationToken)
            : ZeroInFile(handle, offset, length, destination, cancellationToken);
    }

    private static ZeroFillOutcome ZeroOnBlockDevice(SafeFileHandle handle, long offset, long length, int sectorSize, string destination,
        CancellationToken cancellationToken)
    {
        long end = offset + length;
        long alignedStart = Math.Min(end, (offset + sectorSize - 1) / sectorSize * sectorSize);
        long alignedEnd = end / sectorSize * sectorSize;
        long written = 0;
        if (alignedStart > offset)
        {
            WriteZeroes(handle, offset, alignedStart - offset, destination, cancellationToken);
            written += alignedStart - offset;
        }
        if (alignedEnd <= alignedStart)
        {
            if (end > alignedStart)
            {
                WriteZeroes(handle, alignedStart, end - alignedStart, destination, cancellationToken);
                written += end - alignedStart;
            }
            return new ZeroFillOutcome(ZeroFillOffload.None, 0, written);
        }

        // BLKZEROOUT drops the page cache over its range, but a dirty page there (the payload's last bytes
        // went through it) may not be droppable while another holder has the disk open exclusively: write it out first.
        Flush(handle, offset, destination);
        if (!TryOffload(handle, alignedStart, alignedEnd - alignedStart, ZeroOutBlocks, destination, cancellationToken))
        {
            WriteZeroes(handle, alignedStart, end - alignedStart, destination, cancellationToken);
            return new ZeroFillOutcome(ZeroFillOffload.None, 0, written + end - alignedStart);
        }
        if (end > alignedEnd)
        {
            WriteZeroes(handle, alignedEnd, end - alignedEnd, destination, cancellationToken);
            written += end - alignedEnd;
        }
        return new ZeroFillOutcome(ZeroFillOffload.BlockDeviceZeroOut, alignedEnd - alignedStart, written);
    }

    private static ZeroFillOutcome ZeroInFile(SafeFileHandle handle, long offset, long length, string destination, CancellationToken cancellationToken)
    {
        if (TryOffload(handle, offset, length, ZeroRange, destination, cancellationToken))
            return new ZeroFillOutcome(ZeroFillOffload.FallocateZeroRange, length, 0);
        if (TryOffload(handle, offset, length, PunchHole, destination, cancellationToken))
            return new ZeroFillOutcome(ZeroFillOffload.FallocatePunchHole, length, 0);
        WriteZeroes(handle, offset, length, destination, cancellationToken);
        return new ZeroFillOutcome(ZeroFillOffload.None, 0, length);
    }

    private static int ZeroOutBlocks(SafeFileHandle handle, long offset, long length)
    {
        var range = new BlockRange { Start = (ulong)offset, Length = (ulong)length };
        return DiskInterop.IoctlRange(handle, DiskInterop.BLKZEROOUT, ref range);
    }

    private static int ZeroRange(SafeFileHandle handle, long offset, long length) =>
        DiskInterop.Fallocate(handle, DiskInterop.FALLOC_FL_ZERO_RANGE | DiskInterop.FALLOC_FL_KEEP_SIZE, offset, length);

    private static int PunchHole(SafeFileHandle handle, long offset, long length) =>
        DiskInterop.Fallocate(handle, DiskInterop.FALLOC_FL_PUNCH_HOLE | DiskInterop.FALLOC_FL_KEEP_SIZE, offset, length);

    /// <summary>Runs <paramref name="call"/> over the range in <see cref="OffloadChunk"/> pieces.</summary>
    /// <returns>False when the first piece says the operation is not offered here (nothing was zeroed then).</returns>
    private static bool TryOffload(SafeFileHandle handle, long offset, long length, Func<SafeFileHandle, long, long, int> call, string destination,
        CancellationToken cancellationToken)
    {
        for (long done = 0; done < length;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long piece = Math.Min(OffloadChunk, length - done);
            if (LibC.RetryOnInterrupt(() => call(handle, offset + done, piece)) == 0)
            {
                done += piece;
                continue;
            }
            int errno = Marshal.GetLastPInvokeError();
            if (done == 0 && IsNotOffered(errno))
                return false;
            throw new ZeroFillException(destination, offset + done, length - done, Marshal.GetPInvokeErrorMessage(errno), ErrnoNames.FromNumber(errno));
        }
        return true;
    }

    /// <summary>The errors that mean "this file system or device does not do that" rather than "the write failed";
    /// ENOSPC because <c>FALLOC_FL_ZERO_RANGE</c> may have to allocate where a hole punch or plain writes need not.</summary>
    private static bool IsNotOffered(int errno) =>
        errno == DiskInterop.EOPNOTSUPP || errno == DiskInterop.ENOTTY || errno == DiskInterop.EINVAL
        || errno == DiskInterop.ENOSYS || errno == DiskInterop.ENOSPC;

    private static void WriteZeroes(SafeFileHandle handle, long offset, long length, string destination, CancellationToken cancellationToken)
    {
        byte[] zeroes = new byte[(int)Math.Min(WriteChunk, length)];
        for (long done = 0; done < length;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int piece = (int)Math.Min(zeroes.Length, length - done);
            try
            {
                RandomAccess.Write(handle, zeroes.AsSpan(0, piece), offset + done);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ZeroFillException(destination, offset + done, length - done, ex.Message.ReplaceLineEndings(" ").TrimEnd('.', ' '),
                    ex is UnauthorizedAccessException ? Errno.EACCES : ErrnoNames.FromNumber(ex.HResult));
            }
            done += piece;
        }
    }

    private static void Flush(SafeFileHandle handle, long offset, string destination)
    {
        try
        {
            RandomAccess.FlushToDisk(handle);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ZeroFillException(destination, offset, 0, ex.Message.ReplaceLineEndings(" ").TrimEnd('.', ' '), ErrnoNames.FromNumber(ex.HResult));
        }
    }
}
