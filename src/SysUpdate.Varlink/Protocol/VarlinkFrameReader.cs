using System.Buffers;

namespace SysUpdate.Varlink.Protocol;

/// <summary>
/// Splits a byte stream into Varlink frames: each message is one JSON document followed by a NUL byte.
/// </summary>
internal static class VarlinkFrameReader
{
    /// <summary>The largest message accepted by default: 16 MiB.</summary>
    public const int DefaultMaxFrameSize = 16 * 1024 * 1024;

    /// <summary>
    /// Looks for the next complete frame in <paramref name="buffer"/>. <paramref name="scanned"/> carries
    /// how many leading bytes are already known to hold no NUL, so a large frame arriving in many reads
    /// is scanned once, not once per read; it is reset to 0 when a frame is returned.
    /// </summary>
    /// <returns><see langword="true"/> with the frame (NUL excluded) and the position after its NUL;
    /// <see langword="false"/> when more bytes are needed.</returns>
    /// <exception cref="VarlinkProtocolException">The frame is, or would become, larger than
    /// <paramref name="maxFrameSize"/>.</exception>
    public static bool TryReadFrame(
        in ReadOnlySequence<byte> buffer,
        int maxFrameSize,
        ref long scanned,
        out ReadOnlySequence<byte> frame,
        out SequencePosition next)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrameSize);
        long start = Math.Min(scanned, buffer.Length);
        SequencePosition? nul = buffer.Slice(start).PositionOf((byte)0);
        if (nul is null)
        {
            scanned = buffer.Length;
            if (buffer.Length > maxFrameSize)
            {
                ThrowTooLarge(maxFrameSize);
            }

            frame = default;
            next = default;
            return false;
        }

        frame = buffer.Slice(0, nul.Value);
        if (frame.Length > maxFrameSize)
        {
            ThrowTooLarge(maxFrameSize);
        }

        next = buffer.GetPosition(1, nul.Value);
        scanned = 0;
        return true;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowTooLarge(int maxFrameSize) =>
        throw new VarlinkProtocolException($"Varlink message exceeds the limit of {maxFrameSize} bytes");
}
