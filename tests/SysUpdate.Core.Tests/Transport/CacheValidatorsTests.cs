using SysUpdate.Core.Transport;

namespace SysUpdate.Core.Tests.Transport;

public sealed class CacheValidatorsTests
{
    private static readonly DateTimeOffset Date = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    // Last-Modified decides whenever it is present, whatever the ETag (nginx derives its ETag from it).
    [InlineData("\"5f-1a\"", 0, true, false)]
    [InlineData("\"5f-1a\"", -999, true, false)]
    [InlineData(null, 0, true, false)]
    [InlineData(null, 1000, true, false)] // in the future of the Date: certainly not yet stable
    [InlineData(null, -1000, true, true)]
    [InlineData("\"5f-1a\"", -60_000, true, true)]
    // Without a Date header our receive time stands in.
    [InlineData(null, -1000, false, true)]
    [InlineData(null, -10, false, false)]
    // No Last-Modified: a strong ETag is kept, a weak one is not.
    [InlineData("\"abc\"", null, true, true)]
    [InlineData("W/\"abc\"", null, true, false)]
    [InlineData(null, null, true, false)]
    public void AreStable_Table(string? etag, int? lastModifiedMsBeforeDate, bool sendDate, bool expected)
    {
        DateTimeOffset? lastModified = lastModifiedMsBeforeDate is int ms ? Date.AddMilliseconds(ms) : null;

        bool stable = CacheValidators.AreStable(etag, lastModified, sendDate ? Date : null, received: Date);

        Assert.Equal(expected, stable);
    }
}
