using SysUpdate.Core.Config;

namespace SysUpdate.Core.Tests.Config;

/// <summary><c>[Source] RateLimit=</c> and the size syntax it shares with <c>--rate-limit=</c>.</summary>
public sealed class RateLimitConfigTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sysupdate-ratelimit-defs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("4096", 4096L)]
    [InlineData("512B", 512L)]
    [InlineData("16K", 16L << 10)]
    [InlineData("16M", 16L << 20)]
    [InlineData("1.5G", 3L << 29)]
    [InlineData("2 M", 2L << 20)]
    [InlineData("1T", 1L << 40)]
    public void TryParseSize_Valid_Bytes(string text, long expected)
    {
        Assert.True(ConfigValues.TryParseSize(text, out long bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("M")]
    [InlineData("-1")]
    [InlineData("16X")]
    [InlineData("16MiB")]
    [InlineData("1.2.3K")]
    [InlineData("16m")]
    [InlineData("9E")]
    public void TryParseSize_Invalid_False(string text) => Assert.False(ConfigValues.TryParseSize(text, out _));

    [Theory]
    [InlineData("", null)]
    [InlineData("RateLimit=16M", 16L << 20)]
    [InlineData("RateLimit=0", 0L)]
    [InlineData("RateLimit=16M\nRateLimit=", null)]
    public void Load_RateLimit_Parsed(string line, long? expected)
    {
        Write(line);
        Assert.Equal(expected, Assert.Single(Load().Transfers).Source.RateLimit);
    }

    [Theory]
    [InlineData("RateLimit=fast")]
    [InlineData("RateLimit=-5M")]
    [InlineData("RateLimit=16 MB")]
    public void Load_BadRateLimit_ThrowsWithFileAndLine(string line)
    {
        string path = Write(line);
        var ex = Assert.Throws<ConfigSyntaxException>(Load);
        Assert.Equal(path, ex.Location.Path);
        Assert.Equal(5, ex.Location.Line);
        Assert.DoesNotContain('\n', ex.Message);
    }

    private string Write(string sourceLine)
    {
        string path = Path.Combine(_root, "etc/sysupdate.d/50-usr.transfer");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"""
            [Source]
            Type=url-file
            Path=https://updates.example.org/os
            MatchPattern=usr_@v.raw
            {sourceLine}

            [Target]
            Type=regular-file
            Path=/var/lib/images
            MatchPattern=usr_@v.raw
            """);
        return path;
    }

    private Definitions Load() => DefinitionLoader.Load(new DefinitionOptions { Root = _root }, new HostIdentity(_root));
}
