using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SysUpdate.Core.Delta;

/// <summary>
/// casync's content-defined chunker (<c>cachunker.c</c>): a buzhash over the last 48 bytes of the current
/// chunk, a cut where <c>hash % discriminator == discriminator - 1</c> once the chunk has its minimum size,
/// a forced cut at the maximum size, and a plain fixed-size cut when min, avg and max are equal. Fed the
/// same bytes, it cuts exactly where <c>casync make</c> (and <c>desync make</c>) cut.
/// </summary>
/// <remarks>
/// The hash at a position depends only on the 48 bytes before it, so the first <c>min - 48</c> bytes of
/// every chunk are skipped without hashing; the rolling loop reads the leaving byte straight from the
/// input and tests divisibility with a multiplication instead of a division.
/// </remarks>
internal sealed class CasyncChunker
{
    public const int WindowSize = 48;

    private readonly int _min;
    private readonly int _max;
    private readonly int _fixedSize;
    private readonly uint _discriminator;
    private readonly ulong _divisibility;
    private readonly int _firstTest;
    private readonly byte[] _window = new byte[WindowSize];
    private int _chunkSize;
    private uint _hash;
    private bool _hashing;

    /// <exception cref="ArgumentOutOfRangeException">Not 1 &lt;= min &lt;= avg &lt;= max &lt;= 128 MiB.</exception>
    public CasyncChunker(int min, int avg, int max)
    {
        if (min < CasyncLayout.ChunkSizeLimitMin || min > avg || avg > max || max > CasyncLayout.ChunkSizeLimitMax)
            throw new ArgumentOutOfRangeException(nameof(min), $"chunk sizes {min}/{avg}/{max} are not 1 <= min <= avg <= max <= 128 MiB");
        _min = min;
        _max = max;
        _fixedSize = min == avg && avg == max ? avg : 0;
        _discriminator = Discriminator(min, avg, max);
        // Lemire's divisibility test: n % d == 0 exactly when n * c <= c - 1 (mod 2^64), c = ceil(2^64 / d),
        // for every n <= 2^32 (no false negatives; a rare false positive is confirmed with %).
        _divisibility = (ulong.MaxValue / _discriminator) + 1;
        _firstTest = Math.Max(WindowSize, min);
    }

    public int MinChunkSize => _min;

    public int MaxChunkSize => _max;

    /// <summary>Bytes consumed since the last boundary: the length of the chunk in progress.</summary>
    public int PendingLength => _chunkSize;

    /// <summary>
    /// casync's <c>CA_CHUNKER_DISCRIMINATOR_FROM_AVG</c>, clamped to [min, max]. A negative quotient (avg beyond
    /// ~9 MiB) converts as on x86-64, where casync's <c>(size_t)</c> cast wraps it to a huge value.
    /// </summary>
    public static uint Discriminator(int min, int avg, int max)
    {
        double quotient = avg / ((-1.42888852e-7 * avg) + 1.33237515);
        ulong discriminator = quotient < 0 ? unchecked((ulong)(long)quotient) : (ulong)quotient;
        return (uint)Math.Clamp(discriminator, (ulong)min, (ulong)max);
    }

    /// <summary>
    /// Consumes data of the current chunk. Returns how many bytes of <paramref name="data"/> complete the
    /// current chunk when a boundary falls inside it (the state then starts the next chunk), or -1 when all
    /// of <paramref name="data"/> was consumed without a boundary.
    /// </summary>
    public int FindBoundary(ReadOnlySpan<byte> data)
    {
        if (_fixedSize != 0)
            return FindFixedBoundary(data);

        int position = 0;
        if (!_hashing)
        {
            position = FillWindow(data);
            if (!_hashing)
                return -1;
            if (IsCut(_hash) || _chunkSize >= _max)
                return Cut(position);
        }

        return Roll(data, position);
    }

    /// <summary>Forgets the chunk in progress (its bytes are not part of any next chunk).</summary>
    public void Reset()
    {
        _chunkSize = 0;
        _hash = 0;
        _hashing = false;
    }

    private int FindFixedBoundary(ReadOnlySpan<byte> data)
    {
        int taken = Math.Min(_fixedSize - _chunkSize, data.Length);
        _chunkSize += taken;
        return _chunkSize < _fixedSize ? -1 : Cut(taken);
    }

    // Consumes bytes up to the first position a cut may be tested at, keeping only the 48 bytes before it;
    // there the window is full and its hash is computed from scratch.
    private int FillWindow(ReadOnlySpan<byte> data)
    {
        int taken = Math.Min(_firstTest - _chunkSize, data.Length);
        int windowStart = _firstTest - WindowSize;
        int copyFrom = Math.Max(_chunkSize, windowStart);
        int copyTo = _chunkSize + taken;
        if (copyTo > copyFrom)
            data.Slice(copyFrom - _chunkSize, copyTo - copyFrom).CopyTo(_window.AsSpan(copyFrom - windowStart));
        _chunkSize += taken;
        if (_chunkSize == _firstTest)
        {
            _hash = HashWindow(_window);
            _hashing = true;
        }

        return taken;
    }

    private static uint HashWindow(ReadOnlySpan<byte> window)
    {
        uint[] words = BuzhashTable.Words;
        uint hash = 0;
        for (int i = 0; i < WindowSize; i++)
            hash ^= uint.RotateLeft(words[window[i]], WindowSize - 1 - i);
        return hash;
    }

    // The hot loop: one rotate, two table loads, two xors and a multiply per byte. _window holds the 48
    // bytes before data[start]; past the first 48 bytes the leaving byte is read from data itself.
    private int Roll(ReadOnlySpan<byte> data, int start)
    {
        int limit = start + Math.Min(data.Length - start, _max - _chunkSize);
        ref byte input = ref MemoryMarshal.GetReference(data);
        ref uint enter = ref MemoryMarshal.GetArrayDataReference(BuzhashTable.Words);
        ref uint leave = ref MemoryMarshal.GetArrayDataReference(BuzhashTable.WordsRotatedByWindow);
        ref byte window = ref MemoryMarshal.GetArrayDataReference(_window);
        ulong c = _divisibility;
        uint hash = _hash;
        int i = start;

        int split = Math.Min(limit, start + WindowSize);
        for (; i < split; i++)
        {
            hash = uint.RotateLeft(hash, 1) ^ Unsafe.Add(ref leave, Unsafe.Add(ref window, i - start)) ^ Unsafe.Add(ref enter, Unsafe.Add(ref input, i));
            if ((hash + 1UL) * c <= c - 1 && IsCut(hash))
                return CutAt(start, i + 1);
        }

        for (; i < limit; i++)
        {
            hash = uint.RotateLeft(hash, 1) ^ Unsafe.Add(ref leave, Unsafe.Add(ref input, i - WindowSize)) ^ Unsafe.Add(ref enter, Unsafe.Add(ref input, i));
            if ((hash + 1UL) * c <= c - 1 && IsCut(hash))
                return CutAt(start, i + 1);
        }

        _chunkSize += limit - start;
        if (_chunkSize >= _max)
            return Cut(limit);

        _hash = hash;
        KeepWindow(data[start..]);
        return -1;
    }

    private bool IsCut(uint hash) => hash % _discriminator == _discriminator - 1;

    private int CutAt(int start, int end)
    {
        _chunkSize += end - start;
        return Cut(end);
    }

    private int Cut(int consumed)
    {
        Reset();
        return consumed;
    }

    private void KeepWindow(ReadOnlySpan<byte> consumed)
    {
        if (consumed.Length >= WindowSize)
        {
            consumed[^WindowSize..].CopyTo(_window);
            return;
        }

        _window.AsSpan(consumed.Length).CopyTo(_window);
        consumed.CopyTo(_window.AsSpan(WindowSize - consumed.Length));
    }
}
