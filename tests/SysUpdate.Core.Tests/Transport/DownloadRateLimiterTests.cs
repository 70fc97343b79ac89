using SysUpdate.Core.Tests.Pipeline;
using SysUpdate.Core.Transport;

namespace SysUpdate.Core.Tests.Transport;

/// <summary>The token bucket behind <c>--rate-limit=</c>, on a clock that moves only when the test says so.</summary>
public sealed class DownloadRateLimiterTests
{
    private const long Rate = 1 << 20; // 1 MiB/s: a burst of 128 KiB

    [Fact]
    public void Reserve_WithinBurst_NoWait()
    {
        var limiter = new DownloadRateLimiter(Rate, new ManualClock());
        Assert.Equal(128 * 1024, limiter.Burst);
        Assert.Equal(TimeSpan.Zero, limiter.Reserve(limiter.Burst));
    }

    [Fact]
    public void Reserve_BeyondBurst_WaitsForTheExcessAtTheRate()
    {
        var limiter = new DownloadRateLimiter(Rate, new ManualClock());
        limiter.Reserve(limiter.Burst);
        Assert.Equal(TimeSpan.FromSeconds(0.5), limiter.Reserve((int)(Rate / 2)));
    }

    [Fact]
    public void Reserve_SteadyState_OneSecondPerRateOfBytes()
    {
        var clock = new ManualClock();
        var limiter = new DownloadRateLimiter(Rate, clock);
        limiter.Reserve(limiter.Burst);

        // A reader that waits as told: every 64 KiB read costs exactly 1/16 s, whatever happened before.
        for (int i = 0; i < 64; i++)
        {
            TimeSpan wait = limiter.Reserve(64 * 1024);
            Assert.Equal(TimeSpan.FromSeconds(1.0 / 16), wait);
            clock.Advance(wait);
        }
    }

    [Fact]
    public void Reserve_AfterLongPause_RefillsOnlyUpToTheBurst()
    {
        var clock = new ManualClock();
        var limiter = new DownloadRateLimiter(Rate, clock);
        limiter.Reserve(limiter.Burst);
        clock.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(TimeSpan.Zero, limiter.Reserve(limiter.Burst));
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.Reserve((int)Rate));
    }

    [Fact]
    public void Reserve_TwoReaders_ShareOneRate()
    {
        var clock = new ManualClock();
        var limiter = new DownloadRateLimiter(Rate, clock);
        limiter.Reserve(limiter.Burst);

        // Two connections each asking for 512 KiB at the same moment: together a second, not half a second each.
        TimeSpan first = limiter.Reserve(512 * 1024);
        TimeSpan second = limiter.Reserve(512 * 1024);
        Assert.Equal(TimeSpan.FromSeconds(0.5), first);
        Assert.Equal(TimeSpan.FromSeconds(1), second);

        clock.Advance(second);
        Assert.Equal(TimeSpan.FromSeconds(0.25), limiter.Reserve(256 * 1024));
    }

    [Fact]
    public void For_Zero_IsUnlimited()
    {
        Assert.Null(DownloadRateLimiter.For(0, new ManualClock()));
        Assert.NotNull(DownloadRateLimiter.For(1, new ManualClock()));
    }

    [Fact]
    public void Burst_SlowAndFastLimits_Clamped()
    {
        Assert.Equal(4096, new DownloadRateLimiter(100, new ManualClock()).Burst);
        Assert.Equal(4 << 20, new DownloadRateLimiter(1L << 32, new ManualClock()).Burst);
    }

    [Fact]
    public async Task TakeAsync_WithinBurst_CompletesAtOnce()
    {
        var limiter = new DownloadRateLimiter(Rate, new ManualClock());
        ValueTask take = limiter.TakeAsync(1024);
        Assert.True(take.IsCompletedSuccessfully);
        await take;
    }

    [Fact]
    public async Task TakeAsync_OverBudget_Cancelled_ThrowsOperationCanceled()
    {
        var limiter = new DownloadRateLimiter(1024, TimeProvider.System);
        limiter.Reserve(limiter.Burst);
        using var cancel = new CancellationTokenSource();
        ValueTask take = limiter.TakeAsync(1 << 20, cancel.Token); // 1024 s
        Assert.False(take.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await take);
    }
}
