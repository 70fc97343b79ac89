using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Tests.Versions;

public sealed class VersionStringTests
{
    [Theory]
    [InlineData("1")]
    [InlineData("1.2.3")]
    [InlineData("v262~rc1")]
    [InlineData("2^post1")]
    [InlineData("1_2")]
    [InlineData("1+3-0")]
    [InlineData("ABCxyz0189")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("-1")]
    [InlineData("1.")]
    public void IsValid_AllowedCharacters_ReturnsTrue(string version)
    {
        Assert.True(VersionString.IsValid(version));
    }

    [Fact]
    public void IsValid_255Characters_ReturnsTrue()
    {
        Assert.True(VersionString.IsValid(new string('1', 255)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1/2")]
    [InlineData("1,2")]
    [InlineData("1 2")]
    [InlineData("1:2")]
    [InlineData("1@2")]
    [InlineData("1*")]
    [InlineData("é")]
    [InlineData("1\n")]
    [InlineData("1\0")]
    public void IsValid_ForbiddenCharactersOrEmpty_ReturnsFalse(string? version)
    {
        Assert.False(VersionString.IsValid(version));
    }

    [Fact]
    public void IsValid_256Characters_ReturnsFalse()
    {
        Assert.False(VersionString.IsValid(new string('1', 256)));
    }
}
