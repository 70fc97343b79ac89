using SysUpdate.Core.Transport;

namespace SysUpdate.Core.Tests.Transport;

public sealed class LowSpeedMeterTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void Record_WindowWithTooFewBytes_ReturnsFalse()
    {
        var meter = new LowSpeedMeter(100, 10 * Second);

        for (int i = 0; i < 9; i++)
            Assert.True(meter.Record(1, Second));

        Assert.False(meter.Record(1, Second));
    }

    [Fact]
    public void Record_WindowWithEnoughBytes_StartsTheNextWindow()
    {
        var meter = new LowSpeedMeter(100, 10 * Second);

        Assert.True(meter.Record(1000, 10 * Second));
        Assert.Equal(10 * Second, meter.TimeLeft);
        Assert.True(meter.Record(999, 5 * Second));
        Assert.Equal(5 * Second, meter.TimeLeft);
        Assert.True(meter.Record(1, Second));
        Assert.Null(meter.TimeLeft); // this window has its bytes: only the read timeout limits the next wait
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_NonPositiveLimit_Throws(long limit) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new LowSpeedMeter(limit, Second));

    [Fact]
    public void CreateLowSpeedMeter_LimitZero_IsOff() =>
        Assert.Null(new TransportOptions { LowSpeedLimit = 0 }.CreateLowSpeedMeter());
}
