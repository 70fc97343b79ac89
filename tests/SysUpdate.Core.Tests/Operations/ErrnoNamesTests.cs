namespace SysUpdate.Core.Tests.Operations;

public sealed class ErrnoNamesTests
{
    [Fact]
    public void ToName_Parse_RoundTripEveryValue()
    {
        foreach (var errno in Enum.GetValues<Errno>())
            Assert.Equal(errno, ErrnoNames.Parse(errno.ToName()));
    }

    [Theory]
    [InlineData(Errno.ENOENT, 2)]
    [InlineData(Errno.ENOSPC, 28)]
    [InlineData(Errno.EROFS, 30)]
    [InlineData(Errno.EHOSTDOWN, 112)]
    [InlineData(Errno.EUCLEAN, 117)]
    public void Values_AreLinuxNumbers(Errno errno, int number) => Assert.Equal(number, (int)errno);

    [Fact]
    public void ErrnoName_LegacySpelling_SetsTheValue()
    {
        var error = new SysUpdateException("x") { ErrnoName = "ENOSPC" };
        Assert.Equal(Errno.ENOSPC, error.Errno);
        Assert.Equal(Errno.EIO, new SysUpdateException("y").Errno);
    }
}
