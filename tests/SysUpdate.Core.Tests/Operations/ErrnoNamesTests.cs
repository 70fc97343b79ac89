namespace SysUpdate.Core.Tests.Operations;

public sealed class ErrnoNamesTests
{
    [Fact]
    public void ToName_EveryValue_IsItsOwnSpelling()
    {
        foreach (var errno in Enum.GetValues<Errno>())
            Assert.Equal(errno.ToString(), errno.ToName());
    }

    [Theory]
    [InlineData(Errno.ENOENT, 2)]
    [InlineData(Errno.ENOSPC, 28)]
    [InlineData(Errno.EROFS, 30)]
    [InlineData(Errno.EHOSTDOWN, 112)]
    [InlineData(Errno.EUCLEAN, 117)]
    public void Values_AreLinuxNumbers(Errno errno, int number) => Assert.Equal(number, (int)errno);

    [Fact]
    public void Errno_Unset_IsEio() => Assert.Equal(Errno.EIO, new SysUpdateException("y").Errno);

    [Theory]
    [InlineData(28, Errno.ENOSPC)]
    [InlineData(40, Errno.ELOOP)]
    [InlineData(9999, Errno.EIO)]
    public void FromNumber_KnownAndUnknown(int number, Errno expected) => Assert.Equal(expected, ErrnoNames.FromNumber(number));
}
