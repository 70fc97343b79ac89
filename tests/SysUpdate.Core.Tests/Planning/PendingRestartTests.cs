using SysUpdate.Core.Planning;

namespace SysUpdate.Core.Tests.Planning;

public sealed class PendingRestartTests
{
    [Theory]
    [InlineData("2", "1", "Newer")]
    [InlineData("1", "1", "Same")]
    [InlineData("1", "2", "Older")]
    [InlineData("1.10", "1.9", "Newer")] // version order, not text order
    [InlineData("2~rc1", "2", "Older")]
    public void Compare_Versions_AsPendingDecides(string newestInstalled, string booted, string expected) =>
        Assert.Equal(Enum.Parse<InstalledVersusBooted>(expected), PendingRestart.Compare(newestInstalled, booted));

    [Theory]
    [InlineData("2", "1", true)]
    [InlineData("1", "1", false)]
    [InlineData("1", "2", false)]
    [InlineData(null, "1", false)] // nothing installed
    [InlineData("2", null, false)] // no IMAGE_VERSION=, or a component
    public void IsPending_NewestInstalledAndBooted_OnlyWhenNewerInstalled(string? newestInstalled, string? booted, bool expected) =>
        Assert.Equal(expected, PendingRestart.IsPending(newestInstalled, booted));
}
