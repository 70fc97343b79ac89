using System.Buffers;
using System.Text;
using SysUpdate.Varlink.Protocol;

namespace SysUpdate.Varlink.Tests.Protocol;

public sealed class VarlinkFrameReaderTests
{
    [Fact]
    public void TryReadFrame_TwoFramesAcrossSegments_ReturnsEachWithoutNul()
    {
        ReadOnlySequence<byte> buffer = Segments("{\"a\"", ":1}\0{}", "\0{\"par");
        long scanned = 0;

        Assert.True(VarlinkFrameReader.TryReadFrame(buffer, 100, ref scanned, out ReadOnlySequence<byte> first, out SequencePosition next));
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(first.ToArray()));
        buffer = buffer.Slice(next);
        Assert.True(VarlinkFrameReader.TryReadFrame(buffer, 100, ref scanned, out ReadOnlySequence<byte> second, out next));
        Assert.Equal("{}", Encoding.UTF8.GetString(second.ToArray()));
        buffer = buffer.Slice(next);
        Assert.False(VarlinkFrameReader.TryReadFrame(buffer, 100, ref scanned, out _, out _));
        Assert.Equal(5, scanned);
    }

    [Fact]
    public void TryReadFrame_NoNulBeyondLimit_Throws()
    {
        long scanned = 0;
        Assert.Throws<VarlinkProtocolException>(() => VarlinkFrameReader.TryReadFrame(Segments(new string('x', 11)), 10, ref scanned, out _, out _));
    }

    [Fact]
    public void TryReadFrame_CompleteFrameOverLimit_Throws()
    {
        long scanned = 0;
        Assert.Throws<VarlinkProtocolException>(() => VarlinkFrameReader.TryReadFrame(Segments(new string('x', 11) + "\0"), 10, ref scanned, out _, out _));
    }

    [Fact]
    public void TryReadFrame_FrameExactlyAtLimit_IsAccepted()
    {
        long scanned = 0;
        Assert.True(VarlinkFrameReader.TryReadFrame(Segments(new string('x', 10) + "\0"), 10, ref scanned, out ReadOnlySequence<byte> frame, out _));
        Assert.Equal(10, frame.Length);
    }

    private static ReadOnlySequence<byte> Segments(params string[] parts)
    {
        var first = new Segment(Encoding.UTF8.GetBytes(parts[0]), 0);
        Segment last = first;
        foreach (string part in parts.Skip(1))
        {
            last = last.Append(Encoding.UTF8.GetBytes(part));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
