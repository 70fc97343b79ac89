using Microsoft.Win32.SafeHandles;

namespace SysUpdate.Core.Pipeline;

/// <summary>
/// Writes a payload with <see cref="BoundedWriter"/> one window at a time and, after each window, fsyncs it and
/// reports how many payload bytes are now on stable storage, so an interruption (SIGKILL, power loss, a broken
/// connection) costs at most one window. Windows end at multiples of <see cref="IntervalFor"/> counted from the
/// start of the payload, so a continued write keeps <c>O_DIRECT</c> alignment and <see cref="SegmentedDigest"/>
/// segment boundaries.
/// </summary>
internal static class CheckpointedWriter
{
    private const long MiB = 1024 * 1024;

    /// <summary>1/32 of the payload in whole MiB, at least 1 MiB and at most 64 MiB (64 MiB when the length is unknown):
    /// an interruption loses at most ~3 % of a small image and 64 MiB of a large one.</summary>
    public static long IntervalFor(long? payloadLength) =>
        payloadLength is { } length ? Math.Clamp(length / 32 / MiB * MiB, MiB, 64 * MiB) : 64 * MiB;

    /// <summary>Copies <paramref name="decoded"/> to <paramref name="start"/> + <paramref name="offset"/> onwards (the first
    /// <paramref name="offset"/> bytes are already there), never past <paramref name="capacity"/> bytes from <paramref name="start"/>.</summary>
    /// <param name="checkpoint">Told the payload bytes on stable storage after each full window.</param>
    /// <returns>The payload's length (<paramref name="offset"/> plus the bytes written now).</returns>
    public static async Task<long> CopyAsync(Stream decoded, SafeFileHandle handle, SafeFileHandle? direct, long start, long capacity, long offset,
        long interval, string destination, SegmentedDigest? digest, Func<long, CancellationToken, ValueTask> checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (interval <= 0 || interval % SegmentedDigest.DefaultSegmentSize != 0 || interval % BoundedWriter.DirectAlignment != 0)
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "a checkpoint interval must be a positive multiple of the segment size");
        long done = offset;
        Task? checkpointing = null;
        using var buffers = direct is null ? null : new DirectWriteBuffers();
        try
        {
            while (true)
            {
                long boundary = ((done / interval) + 1) * interval;
                var window = new WindowReadStream(decoded, boundary - done);
                done += await BoundedWriter.CopyAsync(window, handle, start + done, capacity - done, destination, sync: false, cancellationToken, direct, digest, buffers)
                    .ConfigureAwait(false);
                if (checkpointing is not null)
                    await checkpointing.ConfigureAwait(false); // one at a time, in order: a record never runs ahead of the one before
                if (done < boundary)
                    break;
                // The window's writes have all completed, so an fsync started now covers them. It and the record run
                // while the next window is written: a stalled writer would leave the disk idle for every checkpoint.
                long durable = done;
                checkpointing = Task.Run(async () =>
                {
                    BoundedWriter.FlushToDisk(handle, direct, destination, start + durable);
                    await checkpoint(durable, cancellationToken).ConfigureAwait(false);
                }, CancellationToken.None);
            }
            BoundedWriter.FlushToDisk(handle, direct, destination, start + done);
            return done;
        }
        catch when (checkpointing is { IsCompleted: false })
        {
            // The caller's error handling may record what was kept: let the checkpoint in flight finish first.
            // Its own failure, if any, matters less than the one being thrown.
            await checkpointing.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                .ConfigureAwait(false);
            throw;
        }
    }
}
