namespace SysUpdate.Core.Transport;

/// <summary>
/// curl's low-speed limit (<c>CURLOPT_LOW_SPEED_LIMIT</c>/<c>_TIME</c>, which systemd's import tools set) for one
/// body: the time spent waiting for the network is cut into windows of <see cref="TransportOptions.LowSpeedTime"/>,
/// and a window that brings fewer than <see cref="TransportOptions.LowSpeedLimit"/> bytes per second fails the
/// transfer. Only time inside reads counts, so a slow consumer (disk, decompressor) never looks like a slow server.
/// </summary>
internal sealed class LowSpeedMeter
{
    private readonly TimeSpan _window;
    private readonly long _required;
    private TimeSpan _waited;
    private long _received;

    public LowSpeedMeter(long bytesPerSecond, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesPerSecond);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        BytesPerSecond = bytesPerSecond;
        _window = window;
        _required = (long)Math.Ceiling(bytesPerSecond * window.TotalSeconds);
    }

    public long BytesPerSecond { get; }

    public TimeSpan Window => _window;

    /// <summary>
    /// How long the next read may wait before this window is lost for good, or null when the window already
    /// has its bytes (then only the read timeout limits the wait).
    /// </summary>
    public TimeSpan? TimeLeft => _received >= _required ? null : _window - _waited;

    /// <summary>Accounts one read; returns false when a window closed with too few bytes.</summary>
    public bool Record(int bytes, TimeSpan waited)
    {
        _received += bytes;
        _waited += waited;
        if (_waited < _window)
        {
            return true;
        }

        bool fastEnough = _received >= _required;
        _received = 0;
        _waited = TimeSpan.Zero;
        return fastEnough;
    }
}
