using System.Runtime.ExceptionServices;

namespace SysUpdate.Core.Compression.Xz;

/// <summary>
/// One block whose header declares both sizes: its data is received whole (<see cref="Receive"/>), then a worker
/// decodes it (<see cref="Decode"/>) into segments that the reading side takes in order (<see cref="CopyOutput"/>)
/// while the worker goes on, so the block at the head of the stream streams and only the blocks behind it wait whole.
/// </summary>
internal sealed unsafe class XzBlockJob : IDisposable
{
    private const int SegmentSize = XzSegmentPool.SegmentSize;

    private readonly XzBlockHeader _header;
    private readonly XzSegmentPool _pool;
    private readonly List<nint> _input = [];
    private long _received;

    private readonly Queue<(nint Segment, int Length)> _output = new();
    private bool _ended;
    private ExceptionDispatchInfo? _failure;

    private byte* _draining;
    private int _drainStart;
    private int _drainEnd;

    /// <summary>Takes ownership of <paramref name="header"/>, which declares both sizes.</summary>
    public XzBlockJob(XzBlockHeader header, XzSegmentPool pool)
    {
        _header = header;
        _pool = pool;
        DataLength = header.DataLength ?? throw new ArgumentException("the block header declares no compressed size", nameof(header));
        UncompressedSize = header.UncompressedSize ?? throw new ArgumentException("the block header declares no size", nameof(header));
    }

    /// <summary>The bytes after the header: compressed data, padding and check.</summary>
    public long DataLength { get; }

    public long UncompressedSize { get; }

    /// <summary>
    /// The most a block holds in segments. Its data is given back as the worker reads it while decoded bytes come in,
    /// so a block behind the head holds at most the larger of the two; the head's decoded bytes are read as they come,
    /// so it holds at most its data (and the segment being read).
    /// </summary>
    public static long Footprint(long dataLength, long uncompressedSize, bool atHead) =>
        (atHead ? dataLength : Math.Max(dataLength, uncompressedSize)) + SegmentSize;

    public bool Received => _received == DataLength;

    /// <summary>Takes the block's bytes from <paramref name="input"/>, at most <see cref="DataLength"/> in all.</summary>
    /// <returns>The bytes taken.</returns>
    public int Receive(byte* input, int length)
    {
        int taken = 0;
        while (taken < length && _received < DataLength)
        {
            int offset = (int)(_received % SegmentSize);
            if (offset == 0)
                _input.Add((nint)_pool.Rent());
            int n = (int)Math.Min(Math.Min(length - taken, SegmentSize - offset), DataLength - _received);
            Buffer.MemoryCopy(input + taken, (byte*)_input[^1] + offset, n, n);
            taken += n;
            _received += n;
        }
        return taken;
    }

    /// <summary>Decodes the received block with <paramref name="stream"/> (a worker's own). A fault is kept for the
    /// reading side, which meets it where the block's bytes would have been.</summary>
    public void Decode(LzmaStreamNative* stream, CancellationToken stop)
    {
        byte* output = null;
        try
        {
            _header.StartDecoder(stream);
            output = _pool.Rent();
            int written = 0;
            int next = 0;
            stream->AvailIn = 0;
            while (!stop.IsCancellationRequested)
            {
                if (stream->AvailIn == 0 && next < _input.Count)
                {
                    ReturnInput(next - 1);
                    stream->NextIn = _input[next];
                    stream->AvailIn = (nuint)InputLength(next);
                    next++;
                }
                stream->NextOut = (nint)(output + written);
                stream->AvailOut = (nuint)(SegmentSize - written);
                int rc = Liblzma.lzma_code(stream, next == _input.Count ? Liblzma.Finish : Liblzma.Run);
                written = SegmentSize - (int)stream->AvailOut;
                if (rc == Liblzma.StreamEnd)
                {
                    if (stream->AvailIn != 0)
                        throw new CompressedDataException(CompressionFormat.Xz, "block: " + Liblzma.Describe(Liblzma.DataError));
                    ReturnInput(next - 1);
                    Publish(output, written);
                    output = null;
                    End(failure: null);
                    return;
                }
                if (rc != Liblzma.Ok)
                    throw new CompressedDataException(CompressionFormat.Xz, "block: " + Liblzma.Describe(rc));
                if (written == SegmentSize)
                {
                    Publish(output, written);
                    output = _pool.Rent();
                    written = 0;
                }
            }
            End(ExceptionDispatchInfo.Capture(new OperationCanceledException(stop)));
        }
        catch (Exception ex)
        {
            End(ExceptionDispatchInfo.Capture(ex));
        }
        finally
        {
            if (output is not null)
                _pool.Return(output);
            stream->NextIn = 0;
            stream->NextOut = 0;
        }
    }

    /// <summary>Copies decoded bytes, in order, into <paramref name="destination"/> without waiting.</summary>
    /// <param name="finished">Whether every decoded byte of the block has been copied out.</param>
    /// <exception cref="CompressedDataException">The block is corrupt.</exception>
    public int CopyOutput(byte* destination, int length, out bool finished)
    {
        int copied = 0;
        while (true)
        {
            if (_drainStart == _drainEnd)
            {
                if (_draining is not null)
                {
                    _pool.Return(_draining);
                    _draining = null;
                }
                lock (_output)
                {
                    _failure?.Throw();
                    if (_output.Count == 0 || copied == length)
                    {
                        finished = _ended && _output.Count == 0;
                        return copied;
                    }
                    (nint segment, _drainEnd) = _output.Dequeue();
                    _draining = (byte*)segment;
                    _drainStart = 0;
                }
            }
            if (copied == length)
            {
                finished = false;
                return copied;
            }
            int n = Math.Min(length - copied, _drainEnd - _drainStart);
            Buffer.MemoryCopy(_draining + _drainStart, destination + copied, n, n);
            _drainStart += n;
            copied += n;
        }
    }

    /// <summary>Blocks until the worker has decoded more, ended the block or failed.</summary>
    public void WaitForOutput()
    {
        lock (_output)
        {
            while (_output.Count == 0 && !_ended)
                Monitor.Wait(_output);
        }
    }

    private long InputLength(int index) => index < _input.Count - 1 ? SegmentSize : DataLength - (long)index * SegmentSize;

    private void ReturnInput(int index)
    {
        if (index < 0 || _input[index] == 0)
            return;
        _pool.Return((byte*)_input[index]);
        _input[index] = 0;
    }

    private void Publish(byte* segment, int length)
    {
        if (length == 0)
        {
            _pool.Return(segment);
            return;
        }
        lock (_output)
        {
            _output.Enqueue(((nint)segment, length));
            Monitor.PulseAll(_output);
        }
    }

    private void End(ExceptionDispatchInfo? failure)
    {
        lock (_output)
        {
            _ended = true;
            _failure = failure;
            Monitor.PulseAll(_output);
        }
    }

    /// <summary>Gives every segment back and frees the header: only once no worker decodes the block any more.</summary>
    public void Dispose()
    {
        for (int i = 0; i < _input.Count; i++)
            ReturnInput(i);
        lock (_output)
        {
            while (_output.TryDequeue(out var queued))
                _pool.Return((byte*)queued.Segment);
        }
        if (_draining is not null)
            _pool.Return(_draining);
        _draining = null;
        _header.Dispose();
    }
}
