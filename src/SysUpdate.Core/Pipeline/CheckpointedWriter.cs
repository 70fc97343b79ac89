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
        while (true)
        {
            long boundary = ((done / interval) + 1) * interval;
            var window = new WindowReadStream(decoded, boundary - done);
            done += await BoundedWriter.CopyAsync(window, handle, start + done, capacity - done, destination, sync: true, cancellationToken, direct, digest)
                .ConfigureAwait(false);
            if (done < boundary)
                return done;
            await checkpoint(done, cancellationToken).ConfigureAwait(false);
        }
    }
}
