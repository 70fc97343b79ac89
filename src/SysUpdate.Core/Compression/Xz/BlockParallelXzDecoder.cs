using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression.Xz;

/// <summary>
/// .xz streams (concatenated streams and stream padding included) through the system liblzma, block by block: a block
/// whose header declares both sizes (every block of <c>xz -T0</c>) is received whole and decoded by a worker while the
/// next ones are, within <see cref="InFlightBudget"/>; the block at the head streams its bytes out as the worker
/// decodes them. Any other block (the single block of a plain <c>xz</c>, or one too large to wait whole) is decoded on
/// the reading thread once the blocks before it are out. Headers, index and footer are checked as liblzma's own
/// stream decoder checks them.
/// </summary>
/// <remarks>liblzma's threaded decoder keeps each worker's whole block of output and reads ahead while its memory
/// budget lasts: two workers on 24 MiB blocks cost well over 100 MiB. Here only the blocks behind the head are held
/// whole, in 1 MiB segments given back as soon as they are read.</remarks>
internal sealed unsafe class BlockParallelXzDecoder : IStreamDecoder
{
    /// <summary>What the blocks in flight may hold at most (<see cref="XzBlockJob.Footprint"/>; one block is always let
    /// in): two blocks of <c>xz -T0</c>'s default 24 MiB, even incompressible ones.</summary>
    private const long InFlightBudget = 64L << 20;

    /// <summary>A block that may hold more (compressed or decoded) is decoded on the reading thread, as it streams.</summary>
    private const long LargestParallelBlock = 32L << 20;

    /// <summary>A block whose filters need more (its dictionary) is decoded on the reading thread too.</summary>
    private const ulong LargestParallelDecoderMemory = 64UL << 20;

    private enum Expect { StreamHeader, BlockOrIndex, BlockHeader, BlockAdmission, BlockData, InlineBlock, Index, StreamFooter, StreamPadding }

    private readonly nint _library;
    private readonly int _workerCount;
    private readonly XzSegmentPool _pool = new();
    private XzBlockWorkers? _workers;
    private readonly Queue<XzBlockJob> _decoding = new();
    private XzBlockJob? _receiving;
    private XzBlockHeader? _header;
    private LzmaStreamHandle? _inlineStream;

    private readonly byte[] _field = new byte[1024];
    private int _fieldLength;
    private int _fieldSize;
    private LzmaStreamFlagsNative _streamFlags;
    private nint _indexHash;
    private long _padding;
    private bool _afterFirstStream;
    private Expect _expect = Expect.StreamHeader;
    private bool _disposed;

    public BlockParallelXzDecoder(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _workerCount = workers;
        _library = NativeCodecLibrary.Load(XzDecoder.Library, "liblzma5", "xz");
    }

    public CompressionFormat Format => CompressionFormat.Xz;

    private bool AtCleanEnd => _expect == Expect.StreamPadding && _padding % 4 == 0 && _decoding.Count == 0;

    public bool Decode(nint input, int inputLength, nint output, int outputLength, bool finalInput, out int consumed, out int written)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        consumed = 0;
        written = 0;
        while (true)
        {
            written += Drain((byte*)output + written, outputLength - written);
            consumed = Consume((byte*)input, inputLength, consumed, (byte*)output, outputLength, ref written, finalInput);
            if (written > 0 || consumed > 0)
                return AtCleanEnd;
            if (_decoding.Count == 0)
            {
                if (finalInput && !AtCleanEnd)
                    throw Corrupt(_expect == Expect.StreamHeader && _afterFirstStream && _fieldLength > 0
                        ? "unexpected data after the end of the stream"
                        : "compressed data is truncated (unexpected end of input)");
                return AtCleanEnd;
            }
            _decoding.Peek().WaitForOutput();
        }
    }

    /// <summary>Copies what the blocks in flight have decoded, in order, and lets go of the finished ones.</summary>
    private int Drain(byte* destination, int length)
    {
        int written = 0;
        while (_decoding.TryPeek(out var head))
        {
            written += head.CopyOutput(destination + written, length - written, out bool finished);
            if (!finished)
                break;
            _decoding.Dequeue();
            head.Dispose();
        }
        return written;
    }

    /// <returns>How far into <paramref name="input"/> the stream has been taken (from <paramref name="used"/> on).</returns>
    private int Consume(byte* input, int length, int used, byte* output, int outputLength, ref int written, bool finalInput)
    {
        while (true)
        {
            switch (_expect)
            {
                case Expect.StreamHeader:
                    if (!Fill(input, length, ref used, Liblzma.StreamHeaderSize))
                        return used;
                    StartStream();
                    break;
                case Expect.BlockOrIndex:
                    if (used == length)
                        return used;
                    if (input[used] == 0)
                    {
                        _expect = Expect.Index; // the index decoder reads its indicator byte itself
                    }
                    else
                    {
                        _fieldSize = (input[used] + 1) * 4;
                        _expect = Expect.BlockHeader;
                    }
                    break;
                case Expect.BlockHeader:
                    if (!Fill(input, length, ref used, _fieldSize))
                        return used;
                    ReadBlockHeader();
                    break;
                case Expect.BlockAdmission:
                    if (!Admit())
                        return used;
                    break;
                case Expect.BlockData:
                    used += _receiving!.Receive(input + used, length - used);
                    if (!_receiving.Received)
                        return used;
                    Dispatch();
                    break;
                case Expect.InlineBlock:
                    if (_decoding.Count > 0 || written == outputLength
                        || !DecodeInline(input, length, ref used, output, outputLength, ref written, finalInput))
                        return used;
                    break;
                case Expect.Index:
                    if (used == length || !DecodeIndex(input, length, ref used))
                        return used;
                    break;
                case Expect.StreamFooter:
                    if (!Fill(input, length, ref used, Liblzma.StreamHeaderSize))
                        return used;
                    EndStream();
                    break;
                case Expect.StreamPadding:
                    while (used < length && input[used] == 0)
                    {
                        used++;
                        _padding++;
                    }
                    if (used == length)
                        return used;
                    if (_padding % 4 != 0)
                        throw Corrupt("stream padding is not a multiple of four bytes");
                    _expect = Expect.StreamHeader;
                    break;
            }
        }
    }

    /// <summary>Gathers a header-sized field into <see cref="_field"/>; true once it holds <paramref name="size"/> bytes.</summary>
    private bool Fill(byte* input, int length, ref int used, int size)
    {
        int n = Math.Min(size - _fieldLength, length - used);
        new ReadOnlySpan<byte>(input + used, n).CopyTo(_field.AsSpan(_fieldLength));
        _fieldLength += n;
        used += n;
        return _fieldLength == size;
    }

    private void StartStream()
    {
        _fieldLength = 0;
        int rc;
        fixed (byte* field = _field)
        fixed (LzmaStreamFlagsNative* flags = &_streamFlags)
            rc = Liblzma.lzma_stream_header_decode(flags, field);
        if (rc == Liblzma.FormatError && _afterFirstStream)
            throw Corrupt("unexpected data after the end of the stream");
        if (rc != Liblzma.Ok)
            throw Corrupt(rc == Liblzma.FormatError ? Liblzma.Describe(rc) : "stream header: " + Liblzma.Describe(rc));
        _indexHash = Liblzma.lzma_index_hash_init(_indexHash, 0);
        if (_indexHash == 0)
            throw new OutOfMemoryException("liblzma could not allocate an index");
        _expect = Expect.BlockOrIndex;
    }

    private void ReadBlockHeader()
    {
        _fieldLength = 0;
        var header = XzBlockHeader.Decode(_field.AsSpan(0, _fieldSize), _streamFlags.Check);
        _header = header;
        if (header.DataLength is long data && header.UncompressedSize is long size
            && Math.Max(data, size) <= LargestParallelBlock && header.DecoderMemory <= LargestParallelDecoderMemory)
        {
            AppendToIndex(header.UnpaddedSize, (ulong)size);
            _expect = Expect.BlockAdmission;
        }
        else
        {
            _inlineStream ??= new LzmaStreamHandle();
            header.StartDecoder(_inlineStream.Stream); // decodes once the blocks before it are out
            _expect = Expect.InlineBlock;
        }
    }

    /// <summary>Lets the parsed block in if nothing is in flight, or if a worker is free and the budget allows.</summary>
    private bool Admit()
    {
        if (_decoding.Count > 0)
        {
            if (_decoding.Count >= _workerCount)
                return false;
            long held = _decoding.Select((job, i) => XzBlockJob.Footprint(job.DataLength, job.UncompressedSize, atHead: i == 0)).Sum();
            if (held + XzBlockJob.Footprint(_header!.DataLength!.Value, _header.UncompressedSize!.Value, atHead: false) > InFlightBudget)
                return false;
        }
        _receiving = new XzBlockJob(_header!, _pool);
        _header = null;
        _expect = Expect.BlockData;
        return true;
    }

    private void Dispatch()
    {
        var job = _receiving!;
        _receiving = null;
        _workers ??= new XzBlockWorkers(_workerCount);
        _decoding.Enqueue(job);
        _workers.Dispatch(job);
        _expect = Expect.BlockOrIndex;
    }

    /// <returns>Whether the block ended.</returns>
    private bool DecodeInline(byte* input, int length, ref int used, byte* output, int outputLength, ref int written, bool finalInput)
    {
        int rc = Liblzma.Code(_inlineStream!.Stream, input + used, length - used, output + written, outputLength - written, finalInput,
            out int consumed, out int decoded);
        used += consumed;
        written += decoded;
        switch (rc)
        {
            case Liblzma.StreamEnd:
                AppendToIndex(_header!.UnpaddedSize, (ulong)_header.UncompressedSize!.Value);
                _header.Dispose();
                _header = null;
                _expect = Expect.BlockOrIndex;
                return true;
            case Liblzma.Ok:
                return false;
            case Liblzma.BufError when finalInput:
                throw Corrupt("compressed data is truncated (unexpected end of input)");
            case Liblzma.BufError:
                return false;
            default:
                throw Corrupt(Liblzma.Describe(rc));
        }
    }

    private void AppendToIndex(ulong unpadded, ulong uncompressed)
    {
        int rc = Liblzma.lzma_index_hash_append(_indexHash, unpadded, uncompressed);
        if (rc != Liblzma.Ok)
            throw Corrupt("index: " + Liblzma.Describe(rc));
    }

    /// <returns>Whether the index ended (and matched the blocks).</returns>
    private bool DecodeIndex(byte* input, int length, ref int used)
    {
        nuint position = (nuint)used;
        int rc = Liblzma.lzma_index_hash_decode(_indexHash, input, &position, (nuint)length);
        used = (int)position;
        if (rc == Liblzma.Ok)
            return false;
        if (rc != Liblzma.StreamEnd)
            throw Corrupt("index: " + Liblzma.Describe(rc));
        _expect = Expect.StreamFooter;
        return true;
    }

    private void EndStream()
    {
        _fieldLength = 0;
        LzmaStreamFlagsNative footer;
        int rc;
        fixed (byte* field = _field)
        fixed (LzmaStreamFlagsNative* header = &_streamFlags)
        {
            rc = Liblzma.lzma_stream_footer_decode(&footer, field);
            if (rc == Liblzma.Ok)
                rc = Liblzma.lzma_stream_flags_compare(header, &footer);
        }
        if (rc != Liblzma.Ok)
            throw Corrupt("stream footer: " + Liblzma.Describe(rc));
        if (footer.BackwardSize != Liblzma.lzma_index_hash_size(_indexHash))
            throw Corrupt("stream footer: the index size it gives is not the index's");
        _afterFirstStream = true;
        _padding = 0;
        _expect = Expect.StreamPadding;
    }

    private static CompressedDataException Corrupt(string what) => new(CompressionFormat.Xz, what);

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _workers?.Dispose();
        while (_decoding.TryDequeue(out var job))
            job.Dispose();
        _receiving?.Dispose();
        _header?.Dispose();
        _inlineStream?.Dispose();
        if (_indexHash != 0)
            Liblzma.lzma_index_hash_end(_indexHash, 0);
        _pool.Dispose();
        NativeLibrary.Free(_library);
    }
}
