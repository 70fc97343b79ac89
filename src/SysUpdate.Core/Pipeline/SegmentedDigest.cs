using System.IO.Hashing;

namespace SysUpdate.Core.Pipeline;

/// <summary>
/// XxHash3 of every fixed-size segment of a byte stream, so a read-back can say which range differs. A fast
/// non-cryptographic hash is enough: SHA-256 already vouched for the download; this one only has to
/// notice bytes that the disk did not keep.
/// </summary>
internal sealed class SegmentedDigest
{
    public const int DefaultSegmentSize = 1024 * 1024;

    private readonly XxHash3 _current = new();
    private readonly List<ulong> _segments = [];
    private int _filled;

    public SegmentedDigest(int segmentSize = DefaultSegmentSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentSize, 1);
        SegmentSize = segmentSize;
    }

    public int SegmentSize { get; }

    /// <summary>Bytes appended so far.</summary>
    public long Length { get; private set; }

    /// <summary>Digests of the segments completed so far (a last, short segment only after <see cref="Complete"/>).</summary>
    public IReadOnlyList<ulong> Segments => _segments;

    public void Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int take = Math.Min(SegmentSize - _filled, data.Length);
            _current.Append(data[..take]);
            _filled += take;
            Length += take;
            data = data[take..];
            if (_filled == SegmentSize)
                CloseSegment();
        }
    }

    /// <summary>Closes the last, short segment; appending after this starts a new segment.</summary>
    public void Complete()
    {
        if (_filled > 0)
            CloseSegment();
    }

    private void CloseSegment()
    {
        _segments.Add(_current.GetCurrentHashAsUInt64());
        _current.Reset();
        _filled = 0;
    }
}
