using SysUpdate.Core.Pipeline;

namespace SysUpdate.Core.Tests.Pipeline;

public sealed class TransferRateEstimatorTests
{
    private const long MiB = 1024 * 1024;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);

    private readonly ManualClock _clock = new();

    /// <summary>Reads at <paramref name="bytesPerSecond"/> for <paramref name="duration"/>, a sample every
    /// <see cref="Tick"/>; returns the last estimate and the bytes done.</summary>
    private (TransferRate Rate, long Done) Read(TransferRateEstimator estimator, long done, long? total, double bytesPerSecond, TimeSpan duration)
    {
        var rate = TransferRate.Unknown;
        for (var t = TimeSpan.Zero; t < duration; t += Tick)
        {
            _clock.Advance(Tick);
            done += (long)(bytesPerSecond * Tick.TotalSeconds);
            rate = estimator.Sample(done, total);
        }
        return (rate, done);
    }

    [Fact]
    public void Sample_FirstAndWithinMinimumInterval_ReportsNothing()
    {
        var estimator = new TransferRateEstimator(_clock);
        Assert.Equal(TransferRate.Unknown, estimator.Sample(0, 100 * MiB));
        _clock.Advance(TransferRateEstimator.MinimumInterval - TimeSpan.FromMilliseconds(1));
        Assert.Equal(TransferRate.Unknown, estimator.Sample(MiB, 100 * MiB));
    }

    [Fact]
    public void Sample_SteadyRate_ReportsItAndTheTimeLeft()
    {
        var estimator = new TransferRateEstimator(_clock);
        estimator.Sample(0, 100 * MiB);
        var (rate, done) = Read(estimator, 0, 100 * MiB, 4 * MiB, TimeSpan.FromSeconds(10));

        Assert.Equal(40 * MiB, done);
        Assert.Equal(4.0 * MiB, rate.BytesPerSecond!.Value, 1.0);
        Assert.Equal(15.0, rate.Remaining!.Value.TotalSeconds, 0.001);
    }

    [Fact]
    public void Sample_SamplesCloserThanMinimumInterval_AreMeasuredTogether()
    {
        var estimator = new TransferRateEstimator(_clock);
        estimator.Sample(0, null);
        for (int i = 1; i <= 4; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(50));
            Assert.Null(estimator.Sample(i * 50 * 1024, null).BytesPerSecond); // 1000 KiB/s in 50 ms steps
        }
        _clock.Advance(TimeSpan.FromMilliseconds(50));
        var rate = estimator.Sample(250 * 1024, null);
        Assert.Equal(1000.0 * 1024, rate.BytesPerSecond!.Value, 1.0);
    }

    [Fact]
    public void Sample_OneBurst_MovesTheEstimateButDoesNotFollowIt()
    {
        var estimator = new TransferRateEstimator(_clock);
        estimator.Sample(0, null);
        var (_, done) = Read(estimator, 0, null, MiB, TimeSpan.FromSeconds(10));

        _clock.Advance(Tick);
        var afterBurst = estimator.Sample(done + 10 * MiB / 2, null); // 10 MiB/s for half a second

        Assert.InRange(afterBurst.BytesPerSecond!.Value, 1.5 * MiB, 3.0 * MiB);
        var (settled, _) = Read(estimator, done + 10 * MiB / 2, null, MiB, TimeSpan.FromSeconds(20));
        Assert.Equal(1.0 * MiB, settled.BytesPerSecond!.Value, 0.01 * MiB);
    }

    [Fact]
    public void Sample_Stall_BringsTheRateDownAndTheTimeLeftUp()
    {
        var estimator = new TransferRateEstimator(_clock);
        estimator.Sample(0, 100 * MiB);
        var (steady, done) = Read(estimator, 0, 100 * MiB, 2 * MiB, TimeSpan.FromSeconds(10));

        var (stalled, stillDone) = Read(estimator, done, 100 * MiB, 0, TimeSpan.FromSeconds(6));

        Assert.Equal(done, stillDone);
        Assert.InRange(stalled.BytesPerSecond!.Value, 0.1 * MiB, 0.5 * MiB);
        Assert.True(stalled.Remaining > 4 * steady.Remaining, $"{stalled.Remaining} vs {steady.Remaining}");

        var (recovered, _) = Read(estimator, done, 100 * MiB, 2 * MiB, TimeSpan.FromSeconds(20));
        Assert.Equal(2.0 * MiB, recovered.BytesPerSecond!.Value, 0.05 * MiB);
    }

    [Fact]
    public void Reset_NextTransfer_StartsOverFromItsOwnBaseline()
    {
        var estimator = new TransferRateEstimator(_clock);
        estimator.Sample(0, 100 * MiB);
        Read(estimator, 0, 100 * MiB, 8 * MiB, TimeSpan.FromSeconds(5));

        estimator.Reset();
        _clock.Advance(TimeSpan.FromSeconds(30)); // time between transfers is not a stall of the next one
        Assert.Equal(TransferRate.Unknown, estimator.Sample(5 * MiB, 10 * MiB)); // resumed at 5 MiB: its baseline
        var (rate, _) = Read(estimator, 5 * MiB, 10 * MiB, MiB, TimeSpan.FromSeconds(1));

        Assert.Equal(1.0 * MiB, rate.BytesPerSecond!.Value, 1.0);
        Assert.Equal(4.0, rate.Remaining!.Value.TotalSeconds, 0.001);
    }

    [Fact]
    public void Sample_UnknownTotal_ReportsTheRateButNoTimeLeft()
    {
        var estimator = new TransferRateEstimator(_clock);
        estimator.Sample(0, null);
        var (rate, _) = Read(estimator, 0, null, 3 * MiB, TimeSpan.FromSeconds(2));

        Assert.Equal(3.0 * MiB, rate.BytesPerSecond!.Value, 1.0);
        Assert.Null(rate.Remaining);
    }

    [Fact]
    public void Sample_AllRead_ReportsNoTimeLeft()
    {
        var estimator = new TransferRateEstimator(_clock);
        estimator.Sample(0, 2 * MiB);
        var (rate, done) = Read(estimator, 0, 2 * MiB, MiB, TimeSpan.FromSeconds(2));

        Assert.Equal(2 * MiB, done);
        Assert.Equal(TimeSpan.Zero, rate.Remaining);
    }

    [Fact]
    public void Sample_NothingReadYet_HasARateOfZeroAndNoTimeLeft()
    {
        var estimator = new TransferRateEstimator(_clock);
        estimator.Sample(0, MiB);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var rate = estimator.Sample(0, MiB);

        Assert.Equal(0.0, rate.BytesPerSecond);
        Assert.Null(rate.Remaining);
    }
}
