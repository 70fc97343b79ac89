using System.Buffers.Binary;
using System.Text;

namespace SysUpdate.Core.Targets;

/// <summary>
/// A read-only pass-through in front of <see cref="System.Formats.Tar.TarReader"/> that follows the
/// archive's 512-byte header structure as the bytes go by and refuses, before the reader sees the
/// header, what the reader would otherwise take into memory or onto disk unbounded: PAX extended
/// headers and GNU long names beyond their caps, entries beyond the total byte budget, and bytes past
/// the budget. It also tells an archive that ends mid-entry (truncated) from one that was never a tar
/// archive (bad header checksum), in one line.
/// </summary>
internal sealed class TarInputGuard : Stream
{
    private const int BlockSize = 512;
    private const int NameOffset = 0, NameLength = 100;
    private const int SizeOffset = 124, SizeLength = 12;
    private const int ChecksumOffset = 148, ChecksumLength = 8;
    private const int TypeFlagOffset = 156;

    private readonly Stream _inner;
    private readonly string _origin;
    private readonly TarLimits _limits;
    private readonly byte[] _header = new byte[BlockSize];
    private int _headerFilled;
    private long _position;
    private long _nextHeader;
    private long _lastHeader;
    private bool _sawEndBlock;

    // The data of the current PAX 'x' header, collected to learn a "size" override for the next entry.
    private byte[]? _pax;
    private int _paxFilled;
    private long _paxDataStart;
    private long? _pendingSize;

    public TarInputGuard(Stream inner, string origin, TarLimits limits)
    {
        _inner = inner;
        _origin = origin;
        _limits = limits;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
            return 0;
        int n = _inner.Read(buffer);
        Inspect(buffer[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
            return 0;
        int n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Inspect(buffer.Span[..n]);
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void Inspect(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            ThrowIfIncomplete();
            return;
        }
        if (_position + data.Length > _limits.MaxArchiveBytes)
            throw OverBudget($"unpacks to more than {_limits.MaxArchiveBytes} bytes");
        while (!data.IsEmpty)
        {
            if (_position < _nextHeader)
            {
                int skip = (int)Math.Min(data.Length, _nextHeader - _position);
                CollectPax(data[..skip]);
                data = data[skip..];
                _position += skip;
                if (_position == _nextHeader)
                    FinishPax();
                continue;
            }
            int take = Math.Min(data.Length, BlockSize - _headerFilled);
            data[..take].CopyTo(_header.AsSpan(_headerFilled));
            _headerFilled += take;
            _position += take;
            data = data[take..];
            if (_headerFilled == BlockSize)
            {
                _headerFilled = 0;
                OnHeader(_position - BlockSize);
            }
        }
    }

    private void OnHeader(long offset)
    {
        _lastHeader = offset;
        _nextHeader = offset + BlockSize;
        if (!_header.AsSpan().ContainsAnyExcept((byte)0))
        {
            _sawEndBlock = true;
            return;
        }
        _sawEndBlock = false;
        if (!ChecksumMatches())
        {
            throw new TarArchiveException(TarArchiveError.Malformed, offset == 0
                ? $"{_origin}: not a tar archive (no valid tar header at the start; a web page or a different format?), refusing"
                : $"{_origin}: tar header at byte {offset} is corrupt (checksum mismatch), refusing");
        }
        char type = (char)_header[TypeFlagOffset];
        long size = ParseSize(offset);
        switch (type)
        {
            case 'x' or 'g':
                if (size > _limits.MaxExtendedHeaderBytes)
                    throw TooLarge($"has a {size} byte PAX extended header at byte {offset} (limit {_limits.MaxExtendedHeaderBytes})");
                if (type == 'x')
                {
                    _pax = new byte[size];
                    _paxFilled = 0;
                    _paxDataStart = _nextHeader;
                }
                break;
            case 'L' or 'K':
                if (size > _limits.MaxLongNameBytes)
                    throw new TarArchiveException(TarArchiveError.NameTooLong,
                        $"{_origin}: tar entry at byte {offset} has a {size} byte long name (limit {_limits.MaxLongNameBytes}), refusing");
                break;
            default:
                size = _pendingSize ?? size;
                _pendingSize = null;
                if (size > _limits.MaxArchiveBytes - _nextHeader)
                    throw OverBudget($"has a {size} byte entry '{HeaderName()}'; it unpacks to more than {_limits.MaxArchiveBytes} bytes");
                break;
        }
        _nextHeader += (size + BlockSize - 1) / BlockSize * BlockSize;
        if (_pax is not null && size == 0)
            FinishPax();
    }

    private void CollectPax(ReadOnlySpan<byte> data)
    {
        if (_pax is null)
            return;
        long at = _position - _paxDataStart;
        if (at >= _pax.Length)
            return;
        int n = (int)Math.Min(data.Length, _pax.Length - at);
        data[..n].CopyTo(_pax.AsSpan((int)at));
        _paxFilled += n;
    }

    /// <summary>Learns the PAX "size" record, which overrides the next entry's header size field.</summary>
    private void FinishPax()
    {
        if (_pax is null)
            return;
        var records = _pax.AsSpan(0, _paxFilled);
        _pax = null;
        while (!records.IsEmpty)
        {
            int space = records.IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(records[..space], out int length) || length <= space || length > records.Length)
                return; // malformed records: TarReader refuses them itself
            var record = records[(space + 1)..length];
            records = records[length..];
            int equals = record.IndexOf((byte)'=');
            if (equals < 0 || !record[..equals].SequenceEqual("size"u8))
                continue;
            var value = record[(equals + 1)..].TrimEnd((byte)'\n');
            if (!long.TryParse(value, out long size) || size < 0)
                throw new TarArchiveException(TarArchiveError.Malformed, $"{_origin}: PAX header has an invalid size record, refusing");
            _pendingSize = size;
        }
    }

    private void ThrowIfIncomplete()
    {
        if (_headerFilled > 0 || _position < _nextHeader)
            throw new TarArchiveException(TarArchiveError.Truncated,
                $"{_origin}: tar archive is truncated: it ends at byte {_position}, inside the entry that starts at byte {(_headerFilled > 0 ? _position - _headerFilled : _lastHeader)}, refusing");
        if (!_sawEndBlock)
            throw new TarArchiveException(TarArchiveError.Truncated,
                _position == 0
                    ? $"{_origin}: tar archive is empty, refusing"
                    : $"{_origin}: tar archive is truncated: it ends at byte {_position} without the end-of-archive blocks, refusing");
    }

    private bool ChecksumMatches()
    {
        var field = _header.AsSpan(ChecksumOffset, ChecksumLength);
        if (!TryParseOctal(field, out long stored))
            return false;
        long unsigned = 0, signed = 0;
        for (int i = 0; i < BlockSize; i++)
        {
            byte b = i is >= ChecksumOffset and < ChecksumOffset + ChecksumLength ? (byte)' ' : _header[i];
            unsigned += b;
            signed += (sbyte)b;
        }
        return stored == unsigned || stored == signed;
    }

    private long ParseSize(long offset)
    {
        var field = _header.AsSpan(SizeOffset, SizeLength);
        if ((field[0] & 0x80) != 0)
        {
            // GNU base-256: a positive big-endian number in the remaining bytes.
            if (field[0] != 0x80 || field[1..4].ContainsAnyExcept((byte)0))
                throw TooLarge($"has an entry at byte {offset} with an impossible size");
            long value = (long)BinaryPrimitives.ReadUInt64BigEndian(field[4..]);
            if (value < 0)
                throw TooLarge($"has an entry at byte {offset} with an impossible size");
            return value;
        }
        if (!TryParseOctal(field, out long size))
            throw new TarArchiveException(TarArchiveError.Malformed, $"{_origin}: tar header at byte {offset} has an invalid size field, refusing");
        return size;
    }

    private static bool TryParseOctal(ReadOnlySpan<byte> field, out long value)
    {
        value = 0;
        field = field.Trim((byte)' ');
        int end = field.IndexOf((byte)0);
        if (end >= 0)
            field = field[..end];
        field = field.Trim((byte)' ');
        if (field.IsEmpty)
            return true;
        foreach (byte b in field)
        {
            if (b is < (byte)'0' or > (byte)'7' || value > long.MaxValue >> 3)
                return false;
            value = (value << 3) | (long)(b - '0');
        }
        return true;
    }

    private string HeaderName()
    {
        var name = _header.AsSpan(NameOffset, NameLength);
        int end = name.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end >= 0 ? name[..end] : name);
    }

    private TarArchiveException TooLarge(string what) =>
        new(TarArchiveError.TooLarge, $"{_origin}: tar archive {what}, refusing");

    private TarArchiveException OverBudget(string what) =>
        new(TarArchiveError.TooLarge, $"{_origin}: tar archive {what} ({_limits.MaxArchiveBytesReason}), refusing");

}
