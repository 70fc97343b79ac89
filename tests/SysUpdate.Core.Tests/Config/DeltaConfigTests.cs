using SysUpdate.Core.Config;

namespace SysUpdate.Core.Tests.Config;

/// <summary>The delta download's two optional <c>[Source]</c> keys: <c>ChunkStore=</c> (a URL, url-file sources only)
/// and <c>DeltaMaxFetch=</c> (a percentage); bad values are refused at their file:line.</summary>
public sealed class DeltaConfigTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sysupdate-delta-defs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Load_NoDeltaKeys_DefaultStoreAndShare()
    {
        Write("url-file", "");
        var transfer = Assert.Single(Load().Transfers);
        Assert.Null(transfer.Source.ChunkStore);
        Assert.Null(transfer.Source.DeltaMaxFetchPercent);
    }

    [Theory]
    [InlineData("ChunkStore=https://cdn.example.org/store", "https://cdn.example.org/store", null)]
    [InlineData("ChunkStore=file:///srv/store/", "file:///srv/store/", null)]
    [InlineData("ChunkStore=https://a.example/s\nChunkStore=", null, null)]
    [InlineData("DeltaMaxFetch=30%", null, 30)]
    [InlineData("DeltaMaxFetch=0%", null, 0)]
    [InlineData("DeltaMaxFetch=100%", null, 100)]
    [InlineData("DeltaMaxFetch=30%\nDeltaMaxFetch=", null, null)]
    public void Load_DeltaKeys_Parsed(string lines, string? store, int? percent)
    {
        Write("url-file", lines);
        var transfer = Assert.Single(Load().Transfers);
        Assert.Equal(store, transfer.Source.ChunkStore);
        Assert.Equal(percent, transfer.Source.DeltaMaxFetchPercent);
    }

    [Theory]
    [InlineData("url-file", "ChunkStore=/srv/store", "not a valid HTTP, HTTPS or file URL")]
    [InlineData("url-file", "ChunkStore=ftp://host/store", "not a valid HTTP, HTTPS or file URL")]
    [InlineData("url-tar", "ChunkStore=https://host/store", "only supported for url-file sources")]
    [InlineData("url-file", "DeltaMaxFetch=30", "percentage")]
    [InlineData("url-file", "DeltaMaxFetch=101%", "percentage")]
    [InlineData("url-file", "DeltaMaxFetch=-1%", "percentage")]
    public void Load_BadDeltaKey_ThrowsWithFileAndLine(string type, string line, string expected)
    {
        string path = Write(type, line);
        var ex = Assert.Throws<ConfigSyntaxException>(Load);
        Assert.Equal(path, ex.Location.Path);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    private string Write(string type, string sourceLines)
    {
        string path = Path.Combine(_root, "etc/sysupdate.d/50-usr.transfer");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"""
            [Source]
            Type={type}
            Path=https://updates.example.org/os
            MatchPattern=usr_@v.raw
            {sourceLines}

            [Target]
            Type={(type == "url-tar" ? "directory" : "regular-file")}
            Path=/var/lib/images
            MatchPattern=usr_@v.raw
            """);
        return path;
    }

    private Definitions Load() => DefinitionLoader.Load(new DefinitionOptions { Root = _root }, new HostIdentity(_root));
}
