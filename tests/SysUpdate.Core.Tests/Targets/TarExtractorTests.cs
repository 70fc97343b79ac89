using System.Formats.Tar;
using SysUpdate.Core.Targets;

namespace SysUpdate.Core.Tests.Targets;

public sealed class TarExtractorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sysupdate-tar-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static MemoryStream Archive(params TarEntry[] entries)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
                writer.WriteEntry(entry);
        }
        stream.Position = 0;
        return stream;
    }

    private static PaxTarEntry File(string name, string content, UnixFileMode mode = (UnixFileMode)0x1A4) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)), Mode = mode };

    private static PaxTarEntry Link(TarEntryType type, string name, string target) => new(type, name) { LinkName = target };

    [Fact]
    public async Task ExtractAsync_NormalTree_FilesModesDirectoriesAndLinks()
    {
        string target = Path.Combine(_dir, "out");
        using var tar = Archive(
            new PaxTarEntry(TarEntryType.Directory, "./") { Mode = (UnixFileMode)0x1ED },
            new PaxTarEntry(TarEntryType.Directory, "./usr/bin") { Mode = (UnixFileMode)0x1ED },
            File("./usr/bin/hello", "#!/bin/sh\n", (UnixFileMode)0x1ED),
            File("./etc/os-release", "ID=x\n"),
            Link(TarEntryType.SymbolicLink, "./bin", "usr/bin"),
            Link(TarEntryType.HardLink, "./etc/os-release.copy", "etc/os-release"));

        await TarExtractor.ExtractAsync(tar, target, "test.tar", CancellationToken.None);

        Assert.Equal("#!/bin/sh\n", System.IO.File.ReadAllText(Path.Combine(target, "usr/bin/hello")));
        Assert.Equal((UnixFileMode)0x1ED, System.IO.File.GetUnixFileMode(Path.Combine(target, "usr/bin/hello")));
        Assert.Equal("usr/bin", new FileInfo(Path.Combine(target, "bin")).LinkTarget);
        Assert.Equal("ID=x\n", System.IO.File.ReadAllText(Path.Combine(target, "etc/os-release.copy")));
    }

    [Theory]
    [InlineData("/etc/passwd", "absolute")]
    [InlineData("../escape", "outside")]
    [InlineData("a/../../escape", "outside")]
    public async Task ExtractAsync_EntryNameEscapes_RefusesAndWritesNothingOutside(string name, string expected)
    {
        string target = Path.Combine(_dir, "out");
        using var tar = Archive(File(name, "x"));

        var ex = await Assert.ThrowsAsync<SysUpdateException>(() => TarExtractor.ExtractAsync(tar, target, "evil.tar", CancellationToken.None));

        Assert.Contains("evil.tar", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(Path.Combine(_dir, "escape")));
    }

    [Fact]
    public async Task ExtractAsync_WriteThroughEarlierSymlink_Refused()
    {
        string target = Path.Combine(_dir, "out");
        string outside = Path.Combine(_dir, "outside");
        Directory.CreateDirectory(outside);
        using var tar = Archive(Link(TarEntryType.SymbolicLink, "sneaky", outside), File("sneaky/planted", "x"));

        var ex = await Assert.ThrowsAsync<SysUpdateException>(() => TarExtractor.ExtractAsync(tar, target, "evil.tar", CancellationToken.None));

        Assert.Contains("symlink", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }

    [Fact]
    public async Task ExtractAsync_HardLinkToOutside_Refused()
    {
        string target = Path.Combine(_dir, "out");
        using var tar = Archive(Link(TarEntryType.HardLink, "passwd", "../../../etc/passwd"));

        await Assert.ThrowsAsync<SysUpdateException>(() => TarExtractor.ExtractAsync(tar, target, "evil.tar", CancellationToken.None));
        Assert.False(System.IO.File.Exists(Path.Combine(target, "passwd")));
    }
}
