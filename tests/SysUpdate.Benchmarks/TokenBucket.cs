using System.Diagnostics;

namespace SysUpdate.Benchmarks;

/// <summary>
/// One rate for everything that takes from it: a caller reserves its bytes (the balance may go
/// negative) and waits until the rate has paid for them, so N connections share the rate instead of
/// each getting it, as nginx's per-connection <c>limit_rate</c> would give.
/// </summary>
internal sealed class TokenBucket
{
    private readonly Lock _lock = new();
    private readonly double _bytesPerSecond;
    private readonly double _burst;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _balance;
    private double _last;

    public TokenBucket(double bytesPerSecond, double burst)
    {
        _bytesPerSecond = bytesPerSecond;
        _burst = burst;
        _balance = burst;
    }

    public Task TakeAsync(int bytes, CancellationToken cancellationToken)
    {
        double deficit;
        lock (_lock)
        {
            double now = _clock.Elapsed.TotalSeconds;
            _balance = Math.Min(_burst, _balance + ((now - _last) * _bytesPerSecond));
            _last = now;
            _balance -= bytes;
            deficit = -_balance;
        }
        return deficit <= 0 ? Task.CompletedTask : Task.Delay(TimeSpan.FromSeconds(deficit / _bytesPerSecond), cancellationToken);
    }
}
