namespace SysUpdate.Core.Pipeline;

/// <summary>
/// Smooths the read rate of one transfer: an exponentially weighted moving average over intervals at
/// least <see cref="MinimumInterval"/> long, weighted by each interval's length (time constant
/// <see cref="TimeConstant"/>), so a burst or a short stall moves the estimate without throwing it
/// about, and a long stall brings it down. The time left is the transfer's remaining bytes at the
/// smoothed rate, recomputed at every sample. Nothing is reported until a first interval has been
/// measured. <see cref="Reset"/> starts over for the next transfer. Safe to call from the threads a
/// delta download's fetch lanes report on.
/// </summary>
internal sealed class TransferRateEstimator(TimeProvider clock)
{
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan TimeConstant = TimeSpan.FromSeconds(3);

    private readonly Lock _lock = new();
    private long? _baseTimestamp;
    private long _baseBytes;
    private double? _rate;

    /// <summary>Forgets the current transfer; the next sample is the new one's baseline.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _baseTimestamp = null;
            _baseBytes = 0;
            _rate = null;
        }
    }

    /// <summary>Records that <paramref name="bytesDone"/> of the transfer (of <paramref name="bytesTotal"/>,
    /// when known) have been read by now.</summary>
    public TransferRate Sample(long bytesDone, long? bytesTotal)
    {
        lock (_lock)
            return SampleLocked(bytesDone, bytesTotal);
    }

    private TransferRate SampleLocked(long bytesDone, long? bytesTotal)
    {
        long now = clock.GetTimestamp();
        if (_baseTimestamp is not { } since)
        {
            _baseTimestamp = now;
            _baseBytes = bytesDone;
            return TransferRate.Unknown;
        }

        var elapsed = clock.GetElapsedTime(since, now);
        if (elapsed >= MinimumInterval)
        {
            double measured = Math.Max(0, bytesDone - _baseBytes) / elapsed.TotalSeconds;
            double weight = 1 - Math.Exp(-elapsed.TotalSeconds / TimeConstant.TotalSeconds);
            _rate = _rate is { } previous ? previous + weight * (measured - previous) : measured;
            _baseTimestamp = now;
            _baseBytes = bytesDone;
        }
        return new TransferRate(_rate, Remaining(bytesDone, bytesTotal));
    }

    private TimeSpan? Remaining(long bytesDone, long? bytesTotal)
    {
        if (bytesTotal is not { } total || _rate is not { } rate)
            return null;
        if (bytesDone >= total)
            return TimeSpan.Zero;
        if (rate <= 0)
            return null;
        return TimeSpan.FromSeconds(Math.Min((total - bytesDone) / rate, TimeSpan.MaxValue.TotalSeconds / 2));
    }
}
