using System.Diagnostics;
using System.Globalization;

namespace SysUpdate.Core.Transport;

/// <summary>
/// The body of one download, read-only and forward-only, starting at <see cref="Offset"/> of the
/// resource. Each read must make progress within the read timeout, the bytes must keep up with the
/// low-speed limit when one is given, and at the end the number of bytes received must equal the
/// announced length; these failures throw <see cref="TransportException"/>
/// (<see cref="TransportError.Timeout"/>, <see cref="TransportError.TooSlow"/> or
/// <see cref="TransportError.Truncated"/>), after which the caller may resume at
/// <see cref="Offset"/> + <see cref="BytesRead"/>. With a <see cref="DownloadRateLimiter"/>, each read asks for at
/// most a burst and waits after it until the run's rate allows its bytes. Disposing closes the connection.
/// </summary>
internal sealed class DownloadStream : Stream
{
    private readonly Stream _body;
    private readonly IDisposable? _owner;
    private readonly TimeSpan _readTimeout;
    private readonly bool _isNetwork;
    private readonly LowSpeedMeter? _lowSpeed;
    private readonly DownloadRateLimiter? _rateLimiter;
    private readonly BlockingSocketStream? _connection;
    private CancellationTokenSource? _timer;
    private bool _disposed;

    internal DownloadStream(
        Uri url,
        Stream body,
        IDisposable? owner,
        long offset,
        long? contentLength,
        long? totalLength,
        string? validator,
        TimeSpan readTimeout,
        bool isNetwork,
        LowSpeedMeter? lowSpeed = null,
        DownloadRateLimiter? rateLimiter = null,
        BlockingSocketStream? connection = null)
    {
        Url = url;
        _body = body;
        _owner = owner;
        Offset = offset;
        ContentLength = contentLength;
        TotalLength = totalLength;
        Validator = validator;
        _readTimeout = readTimeout;
        _isNetwork = isNetwork;
        _lowSpeed = isNetwork ? lowSpeed : null;
        _rateLimiter = isNetwork ? rateLimiter : null;
        _connection = connection;
    }

    /// <summary>The URL requested.</summary>
    public Uri Url { get; }

    /// <summary>
    /// Where in the resource this body starts: the requested resume offset when the server honoured
    /// the range, else 0 (the caller must then discard its partial data and start over).
    /// </summary>
    public long Offset { get; }

    /// <summary>True when the body continues an earlier partial download (<see cref="Offset"/> &gt; 0).</summary>
    public bool Resumed => Offset > 0;

    /// <summary>Bytes this stream will deliver (Content-Length), if announced.</summary>
    public long? ContentLength { get; }

    /// <summary>Length of the whole resource (Content-Length of a 200, total of Content-Range), if known.</summary>
    public long? TotalLength { get; }

    /// <summary>
    /// What to pass as <c>ifRange</c> when resuming this download later: the strong ETag, else the
    /// Last-Modified date (RFC 1123); null when the server sent neither.
    /// </summary>
    public string? Validator { get; }

    /// <summary>Bytes delivered so far by this stream.</summary>
    public long BytesRead { get; private set; }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (buffer.IsEmpty)
        {
            return 0;
        }

        buffer = Limit(buffer);
        if (buffer.IsEmpty)
        {
            return Account(0); // All announced bytes arrived; a zero-byte read could wait for data.
        }

        int read;
        if (!_isNetwork)
        {
            try
            {
                read = await _body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw ReadError(ex);
            }

            return Account(read);
        }

        (CancellationTokenSource timer, bool slowDeadline) = ArmTimer();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        long started = Stopwatch.GetTimestamp();
        try
        {
            // A payload body's reads wait in the kernel (BlockingSocketStream), where no token reaches them:
            // when the timer fires or the caller cancels, shutting the connection down ends the wait.
            using (_connection is null ? default : linked.Token.Register(static state => ((BlockingSocketStream)state!).Abort(), _connection))
            {
                read = await _body.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is IOException or ObjectDisposedException or HttpRequestException)
        {
            throw new OperationCanceledException(ex.Message, ex, cancellationToken);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && timer.IsCancellationRequested)
        {
            throw TimedOut(slowDeadline, ex);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is IOException or ObjectDisposedException)
        {
            throw timer.IsCancellationRequested ? TimedOut(slowDeadline, ex) : ConnectionLost(ex);
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw ConnectionLost(ex);
        }

        DisarmTimer(timer);
        int counted = Account(read, Stopwatch.GetElapsedTime(started));
        if (_rateLimiter is not null && counted > 0)
        {
            // Waiting here, outside the read timer: the limit slows us, it does not make the server look stalled.
            await _rateLimiter.TakeAsync(counted, cancellationToken).ConfigureAwait(false);
        }

        return counted;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (ContentLength is long length && length - BytesRead < buffer.Length)
        {
            buffer = buffer[..(int)Math.Max(0, length - BytesRead)];
            if (buffer.IsEmpty)
            {
                return Account(0);
            }
        }

        if (_rateLimiter is not null && buffer.Length > _rateLimiter.Burst)
        {
            buffer = buffer[.._rateLimiter.Burst];
        }

        int read;
        if (!_isNetwork)
        {
            try
            {
                read = _body.Read(buffer);
            }
            catch (IOException ex)
            {
                throw ReadError(ex);
            }

            return Account(read);
        }

        // A blocking read cannot be cancelled: when the timer fires, closing the connection ends it.
        (CancellationTokenSource timer, bool slowDeadline) = ArmTimer();
        long started = Stopwatch.GetTimestamp();
        using (_connection is not null
            ? timer.Token.Register(static state => ((BlockingSocketStream)state!).Abort(), _connection)
            : timer.Token.Register(static state => ((IDisposable)state!).Dispose(), (IDisposable?)_owner ?? _body))
        {
            try
            {
                read = _body.Read(buffer);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or HttpRequestException)
            {
                throw timer.IsCancellationRequested ? TimedOut(slowDeadline, ex) : ConnectionLost(ex);
            }
        }

        DisarmTimer(timer);
        int counted = Account(read, Stopwatch.GetElapsedTime(started));
        if (_rateLimiter is not null && counted > 0)
        {
            _rateLimiter.TakeAsync(counted).AsTask().GetAwaiter().GetResult();
        }

        return counted;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _timer?.Dispose();
            _body.Dispose();
            _owner?.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            _timer?.Dispose();
            await _body.DisposeAsync().ConfigureAwait(false);
            _owner?.Dispose();
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    private Memory<byte> Limit(Memory<byte> buffer)
    {
        // Never ask for more than announced: a server sending extra bytes must not grow the result.
        if (ContentLength is long length && length - BytesRead < buffer.Length)
        {
            buffer = buffer[..(int)Math.Max(0, length - BytesRead)];
        }

        // One read takes at most a burst, so a limited download flows evenly instead of in large gulps.
        return _rateLimiter is not null && buffer.Length > _rateLimiter.Burst ? buffer[.._rateLimiter.Burst] : buffer;
    }

    private int Account(int read, TimeSpan waited)
    {
        if (_lowSpeed is not null && read > 0 && !_lowSpeed.Record(read, waited))
        {
            throw TooSlow(null);
        }

        return Account(read);
    }

    private int Account(int read)
    {
        BytesRead += read;
        if (read == 0 && ContentLength is long length && BytesRead < length)
        {
            if (!_isNetwork)
            {
                throw new TransportException(Url, TransportError.LocalFile,
                    string.Create(CultureInfo.InvariantCulture, $"file ended after {Progress()}; it changed while being read"));
            }

            throw new TransportException(Url, TransportError.Truncated,
                string.Create(CultureInfo.InvariantCulture, $"connection closed after {Progress()}; the download can be resumed"))
            {
                IsTransient = true,
            };
        }

        return read;
    }

    /// <summary>
    /// Starts the timer of one read: the read timeout, or the time left in the low-speed window when that is
    /// shorter (then the timer firing means the window closed with too few bytes: <c>slowDeadline</c>).
    /// </summary>
    private (CancellationTokenSource Timer, bool SlowDeadline) ArmTimer()
    {
        _timer ??= new CancellationTokenSource();
        TimeSpan wait = _readTimeout;
        bool slowDeadline = false;
        if (_lowSpeed?.TimeLeft is { } left && left < wait)
        {
            wait = left > TimeSpan.Zero ? left : TimeSpan.FromTicks(1);
            slowDeadline = true;
        }

        _timer.CancelAfter(wait);
        return (_timer, slowDeadline);
    }

    private void DisarmTimer(CancellationTokenSource timer)
    {
        if (!timer.TryReset())
        {
            // It fired just as the read completed; the next read needs a fresh one.
            timer.Dispose();
            _timer = null;
        }
    }

    private TransportException Stalled(Exception inner) =>
        new(Url, TransportError.Timeout,
            string.Create(CultureInfo.InvariantCulture,
                $"no data for {_readTimeout.TotalSeconds:0.###} s after {Progress()}; the server stalled, the download can be resumed"),
            inner)
        {
            IsTransient = true,
        };

    private TransportException TimedOut(bool slowDeadline, Exception inner) => slowDeadline ? TooSlow(inner) : Stalled(inner);

    private TransportException TooSlow(Exception? inner) =>
        new(Url, TransportError.TooSlow,
            string.Create(CultureInfo.InvariantCulture,
                $"slower than {_lowSpeed!.BytesPerSecond} bytes/s for {_lowSpeed.Window.TotalSeconds:0.###} s after {Progress()}; the server or network is too slow, the download can be resumed"),
            inner)
        {
            IsTransient = true,
        };

    private TransportException ConnectionLost(Exception inner) =>
        new(Url, TransportError.Truncated,
            string.Create(CultureInfo.InvariantCulture,
                $"connection closed after {Progress()} ({OneLine(inner.Message)}); the download can be resumed"),
            inner)
        {
            IsTransient = true,
        };

    private TransportException ReadError(IOException inner) =>
        new(Url, TransportError.LocalFile,
            string.Create(CultureInfo.InvariantCulture, $"read error after {Progress()}: {OneLine(inner.Message)}"),
            inner);

    private string Progress() => ContentLength is long length
        ? string.Create(CultureInfo.InvariantCulture, $"{BytesRead} of {length} bytes")
        : string.Create(CultureInfo.InvariantCulture, $"{BytesRead} bytes");

    internal static string OneLine(string text)
    {
        string line = text.ReplaceLineEndings(" ").Trim();
        return line.Length > 200 ? line[..200] + "…" : line;
    }
}
