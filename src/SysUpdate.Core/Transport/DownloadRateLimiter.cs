namespace SysUpdate.Core.Transport;

/// <summary>
/// One download rate for every body of a run (a token bucket): each read reserves its bytes, the balance may go
/// negative, and the reader waits until the rate has paid for them. Concurrent downloads (delta chunk fetches,
/// several transfers) therefore share the rate instead of each getting it.
/// </summary>
internal sealed class DownloadRateLimiter
{
    private const int SmallestBurst = 4096;
    private const int LargestBurst = 4 << 20;

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private long _last;
    private double _balance;

    /// <param name="bytesPerSecond">The limit; positive.</param>
    /// <param name="time">The clock the refill and the waits follow (a manual one in tests).</param>
    public DownloadRateLimiter(long bytesPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesPerSecond);
        ArgumentNullException.ThrowIfNull(time);
        BytesPerSecond = bytesPerSecond;
        _time = time;

        // An eighth of a second's worth: small enough that the rate shows within a second, large enough that
        // fast limits are not paid for in timer wake-ups.
        Burst = (int)Math.Clamp(bytesPerSecond / 8, SmallestBurst, LargestBurst);
        _balance = Burst;
        _last = time.GetTimestamp();
    }

    public long BytesPerSecond { get; }

    /// <summary>Bytes that may pass at once after a pause; also the most one read should ask for.</summary>
    public int Burst { get; }

    /// <summary>A limiter for <paramref name="bytesPerSecond"/>, or null for 0 (unlimited).</summary>
    public static DownloadRateLimiter? For(long bytesPerSecond, TimeProvider time) =>
        bytesPerSecond == 0 ? null : new DownloadRateLimiter(bytesPerSecond, time);

    /// <summary>Takes <paramref name="bytes"/> from the bucket and returns how long the caller must wait for them.</summary>
    public TimeSpan Reserve(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        double deficit;
        lock (_lock)
        {
            long now = _time.GetTimestamp();
            double elapsed = _time.GetElapsedTime(_last, now).TotalSeconds;
            _last = now;
            _balance = Math.Min(Burst, _balance + (elapsed * BytesPerSecond)) - bytes;
            deficit = -_balance;
        }

        return deficit <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(deficit / BytesPerSecond);
    }

    /// <summary>Reserves <paramref name="bytes"/> and waits until the rate allows them.</summary>
    public ValueTask TakeAsync(int bytes, CancellationToken cancellationToken = default)
    {
        TimeSpan wait = Reserve(bytes);
        return wait == TimeSpan.Zero ? ValueTask.CompletedTask : new ValueTask(Task.Delay(wait, _time, cancellationToken));
    }
}
