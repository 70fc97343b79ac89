using System.Buffers;
using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Compression;

namespace SysUpdate.Core.Pipeline;

/// <summary>
/// The front half of the data path: the bytes as published, hashed as they pass, then decoded by
/// whatever compression their magic announces (raw when none, or when shorter than any magic).
/// </summary>
internal sealed class PayloadReader : IAsyncDisposable
{
    private readonly HashingReadStream _hashing;
    private readonly Stream _decoded;
    private readonly string _origin;
    private readonly string? _expectedSha256;
    private PublishedBytesPump? _pump;

    private PayloadReader(HashingReadStream hashing, Stream decoded, string origin, string? expectedSha256, CompressionFormat format)
    {
        _hashing = hashing;
        _decoded = decoded;
        _origin = origin;
        _expectedSha256 = expectedSha256;
        Format = format;
    }

    /// <summary>The decoded (uncompressed) payload.</summary>
    public Stream Decoded => _decoded;

    public CompressionFormat Format { get; }

    /// <summary>Bytes of the published (compressed) stream consumed so far.</summary>
    public long PublishedBytesRead => _hashing.BytesRead;

    /// <summary>Opens <paramref name="published"/>, sniffs its compression and returns a reader whose
    /// <see cref="Decoded"/> stream yields the payload. Takes ownership of <paramref name="published"/>.
    /// Reading and hashing the published bytes run on their own task ahead of decoding (bounded by
    /// <see cref="PipeBufferBytes"/>), so download, hashing, decoding and writing overlap.</summary>
    public static async Task<PayloadReader> OpenAsync(
        Stream published, string origin, string? expectedSha256, Action<long>? onPublishedBytes, CancellationToken cancellationToken)
    {
        var hashing = new HashingReadStream(published, leaveOpen: false, onPublishedBytes);
        var pump = new PublishedBytesPump(hashing, PipeBufferBytes, cancellationToken);
        byte[] head = new byte[CompressionSniffer.MaxMagicLength];
        int filled = 0;
        try
        {
            while (filled < head.Length)
            {
                int n = await pump.Output.ReadAsync(head.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                    break;
                filled += n;
            }
        }
        catch
        {
            await pump.DisposeAsync().ConfigureAwait(false);
            await hashing.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var format = CompressionSniffer.Detect(head.AsSpan(0, filled));
        var prefixed = new PrefixedReadStream(head.AsMemory(0, filled), pump.Output, leaveOpen: true);
        var decoded = format == CompressionFormat.None ? prefixed : Decompressor.OpenRead(prefixed, format, leaveOpen: false, origin);
        return new PayloadReader(hashing, decoded, origin, expectedSha256, format) { _pump = pump };
    }

    /// <summary>How far reading the published bytes may run ahead of decoding.</summary>
    public const int PipeBufferBytes = 8 * 1024 * 1024;

    /// <summary>
    /// Continues an interrupted raw (uncompressed) download: the bytes already written to
    /// <paramref name="existing"/> are hashed first, then <paramref name="published"/> (the rest,
    /// from the server) passes through undecoded.
    /// </summary>
    public static Task<PayloadReader> OpenResumedAsync(
        Stream published, SafeFileHandle existing, long existingLength, string origin, string? expectedSha256, Action<long>? onPublishedBytes,
        CancellationToken cancellationToken) =>
        OpenResumedAsync(published, existing, 0, existingLength, origin, expectedSha256, onPublishedBytes, null, cancellationToken);

    /// <summary>
    /// Continues an interrupted raw download whose first <paramref name="existingLength"/> bytes are at
    /// <paramref name="existingStart"/> of <paramref name="existing"/> (a partition slot): they are hashed, and fed
    /// to <paramref name="digest"/> as read, so a later read-back covers them as well.
    /// </summary>
    public static async Task<PayloadReader> OpenResumedAsync(
        Stream published, SafeFileHandle existing, long existingStart, long existingLength, string origin, string? expectedSha256,
        Action<long>? onPublishedBytes, SegmentedDigest? digest, CancellationToken cancellationToken)
    {
        var hashing = new HashingReadStream(published, leaveOpen: false, onPublishedBytes);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        try
        {
            for (long offset = 0; offset < existingLength;)
            {
                int want = (int)Math.Min(buffer.Length, existingLength - offset);
                int n = await RandomAccess.ReadAsync(existing, buffer.AsMemory(0, want), existingStart + offset, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                    throw new SysUpdateException($"{origin}: the partially downloaded data shrank while resuming, start over with 'vacuum'");
                hashing.AppendPrefix(buffer.AsSpan(0, n));
                digest?.Append(buffer.AsSpan(0, n));
                offset += n;
            }
        }
        catch
        {
            await hashing.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new PayloadReader(hashing, new PrefixedReadStream(ReadOnlyMemory<byte>.Empty, hashing, leaveOpen: true), origin, expectedSha256, CompressionFormat.None);
    }

    /// <summary>Reads whatever the decoder left of the published stream (trailing bytes still count
    /// for the hash), then checks the SHA-256 when one is expected.</summary>
    public async Task VerifyAsync(CancellationToken cancellationToken)
    {
        Stream rest = _pump is null ? _hashing : _pump.Output;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
            if (_pump is not null)
                await _pump.CompletionAsync().ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        string actual = _hashing.FinishHex();
        if (_expectedSha256 is not null && !string.Equals(actual, _expectedSha256, StringComparison.OrdinalIgnoreCase))
            throw new HashMismatchException(_origin, _expectedSha256, actual);
    }

    public async ValueTask DisposeAsync()
    {
        await _decoded.DisposeAsync().ConfigureAwait(false);
        if (_pump is not null)
            await _pump.DisposeAsync().ConfigureAwait(false);
        await _hashing.DisposeAsync().ConfigureAwait(false);
    }
}
