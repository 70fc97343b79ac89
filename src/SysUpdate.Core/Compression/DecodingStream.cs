using System.Buffers;
using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression;

/// <summary>
/// Read-only, forward-only stream that pulls compressed bytes from an inner stream and returns them decoded
/// by an <see cref="IStreamDecoder"/>. Input goes through a pooled, pinned buffer; output is decoded straight
/// into the caller's buffer when that is at least as large as our own, else through a pooled, pinned one.
/// </summary>
internal sealed class DecodingStream : Stream
{
    private const int InputBufferSize = 128 * 1024;
    private const int OutputBufferSize = 128 * 1024;

    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly IStreamDecoder _decoder;
    private readonly byte[] _input;
    private readonly byte[] _output;
    private GCHandle _inputPin;
    private GCHandle _outputPin;
    private readonly nint _inputBase;
    private readonly nint _outputBase;
    private int _inputStart;
    private int _inputEnd;
    private bool _inputEof;
    private int _outputStart;
    private int _outputEnd;
    private bool _finished;
    private bool _disposed;
    private readonly string? _origin;

    /// <summary>Takes ownership of <paramref name="decoder"/> (disposed with this stream). Faults in the data
    /// name <paramref name="origin"/> (the file or URL) when given.</summary>
    public DecodingStream(Stream inner, IStreamDecoder decoder, bool leaveOpen, string? origin = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(decoder);
        _inner = inner;
        _decoder = decoder;
        _leaveOpen = leaveOpen;
        _origin = origin;
        _input = ArrayPool<byte>.Shared.Rent(InputBufferSize);
        _output = ArrayPool<byte>.Shared.Rent(OutputBufferSize);
        _inputPin = GCHandle.Alloc(_input, GCHandleType.Pinned);
        _outputPin = GCHandle.Alloc(_output, GCHandleType.Pinned);
        _inputBase = _inputPin.AddrOfPinnedObject();
        _outputBase = _outputPin.AddrOfPinnedObject();
    }

    public CompressionFormat Format => _decoder.Format;

    public override bool CanRead => !_disposed;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
            return 0;

        while (true)
        {
            if (_outputEnd > _outputStart)
                return CopyOut(buffer);
            if (_finished)
                return 0;
            if (_inputStart == _inputEnd && !_inputEof)
                CompleteFill(_inner.Read(_input, 0, InputBufferSize));
            int written = DecodeNext(buffer);
            if (written > 0)
                return written;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (buffer.IsEmpty)
            return 0;

        while (true)
        {
            if (_outputEnd > _outputStart)
                return CopyOut(buffer.Span);
            if (_finished)
                return 0;
            if (_inputStart == _inputEnd && !_inputEof)
            {
                int read = await _inner.ReadAsync(_input.AsMemory(0, InputBufferSize), cancellationToken).ConfigureAwait(false);
                CompleteFill(read);
            }
            int written = DecodeNext(buffer.Span);
            if (written > 0)
                return written;
        }
    }

    private unsafe int DecodeInto(Span<byte> destination)
    {
        fixed (byte* pointer = destination)
            return DecodeStep((nint)pointer, destination.Length);
    }

    // A large destination is decoded into directly (no second copy); a small one gets our buffer's output
    // later, through CopyOut. Returns the bytes placed in the destination now.
    private int DecodeNext(Span<byte> destination)
    {
        if (destination.Length >= OutputBufferSize)
            return DecodeInto(destination);
        DecodeBuffered();
        return 0;
    }

    private void DecodeBuffered()
    {
        _outputStart = 0;
        _outputEnd = DecodeStep(_outputBase, OutputBufferSize);
    }

    private void CompleteFill(int read)
    {
        _inputStart = 0;
        _inputEnd = read;
        if (read == 0)
            _inputEof = true;
    }

    private int CopyOut(Span<byte> destination)
    {
        int n = Math.Min(destination.Length, _outputEnd - _outputStart);
        _output.AsSpan(_outputStart, n).CopyTo(destination);
        _outputStart += n;
        return n;
    }

    /// <returns>Bytes decoded into <paramref name="output"/>.</returns>
    private int DecodeStep(nint output, int outputLength)
    {
        try
        {
            return RunDecoder(output, outputLength);
        }
        catch (CompressedDataException ex) when (_origin is not null && ex.Origin is null)
        {
            throw ex.From(_origin);
        }
    }

    private int RunDecoder(nint output, int outputLength)
    {
        int available = _inputEnd - _inputStart;
        bool atEnd = _decoder.Decode(
            _inputBase + _inputStart, available, output, outputLength, _inputEof,
            out int consumed, out int written);
        _inputStart += consumed;

        if (written > 0)
            return written;
        if (_inputEof && _inputStart == _inputEnd)
        {
            if (atEnd)
                _finished = true;
            else if (consumed == 0)
                throw new CompressedDataException(_decoder.Format, "compressed data is truncated (unexpected end of input)");
            return 0;
        }
        if (consumed == 0)
            throw new CompressedDataException(_decoder.Format, "decoder made no progress on its input");
        return 0;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            if (disposing)
            {
                try
                {
                    _decoder.Dispose();
                    if (!_leaveOpen)
                        _inner.Dispose();
                }
                finally
                {
                    _inputPin.Free();
                    _outputPin.Free();
                    ArrayPool<byte>.Shared.Return(_input);
                    ArrayPool<byte>.Shared.Return(_output);
                }
            }
        }
        base.Dispose(disposing);
    }
}
