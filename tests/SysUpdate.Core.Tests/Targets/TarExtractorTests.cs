using System.Formats.Tar;
using System.Text;
using SysUpdate.Core.Native;
using SysUpdate.Core.Targets;

namespace SysUpdate.Core.Tests.Targets;

public sealed class TarExtractorTests : IDisposable
{
    private const UnixFileMode Mode0755 = (UnixFileMode)0x1ED;
    private const UnixFileMode Mode0644 = (UnixFileMode)0x1A4;
    private const UnixFileMode Mode0700 = (UnixFileMode)0x1C0;

    private readonly string _dir = Directory.CreateTempSubdirectory("sysupdate-tar-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Target => Path.Combine(_dir, "out");

    internal static MemoryStream Archive(params TarEntry[] entries)
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

    internal static PaxTarEntry File(string name, string content, UnixFileMode mode = Mode0644) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)), Mode = mode };

    private static PaxTarEntry Directory_(string name, UnixFileMode mode = Mode0755) => new(TarEntryType.Directory, name) { Mode = mode };

    private static PaxTarEntry Link(TarEntryType type, string name, string target) => new(type, name) { LinkName = target };

    private Task<ExtractedTree> ExtractAsync(Stream tar, TarLimits? limits = null) =>
        TarExtractor.ExtractAsync(tar, Target, "test.tar", limits ?? new TarLimits(), CancellationToken.None);

    private async Task<TarArchiveException> RefusedAsync(Stream tar, TarLimits? limits = null)
    {
        var ex = await Assert.ThrowsAsync<TarArchiveException>(() => ExtractAsync(tar, limits));
        Assert.Contains("test.tar", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        return ex;
    }

    [Fact]
    public async Task ExtractAsync_NormalTree_FilesModesDirectoriesAndLinks()
    {
        using var tar = Archive(
            Directory_("./"),
            Directory_("./usr/bin"),
            File("./usr/bin/hello", "#!/bin/sh\n", Mode0755),
            File("./etc/os-release", "ID=x\n"),
            Link(TarEntryType.SymbolicLink, "./bin", "usr/bin"),
            Link(TarEntryType.HardLink, "./etc/os-release.copy", "etc/os-release"));

        (await ExtractAsync(tar)).Expose();

        Assert.Equal("#!/bin/sh\n", System.IO.File.ReadAllText(Path.Combine(Target, "usr/bin/hello")));
        Assert.Equal(Mode0755, System.IO.File.GetUnixFileMode(Path.Combine(Target, "usr/bin/hello")));
        Assert.Equal(Mode0755, System.IO.File.GetUnixFileMode(Path.Combine(Target, "etc")));
        Assert.Equal(Mode0755, System.IO.File.GetUnixFileMode(Target));
        Assert.Equal("usr/bin", new FileInfo(Path.Combine(Target, "bin")).LinkTarget);
        Assert.Equal("ID=x\n", System.IO.File.ReadAllText(Path.Combine(Target, "etc/os-release.copy")));
    }

    [Fact]
    public async Task ExtractAsync_BeforeExpose_TopDirectoryIsOwnerOnlyAndDirectoryModesWait()
    {
        using var tar = Archive(Directory_("./", Mode0755), Directory_("./pub", (UnixFileMode)0x1FF), File("./pub/f", "x"));

        var tree = await ExtractAsync(tar);

        Assert.Equal(Mode0700, System.IO.File.GetUnixFileMode(Target));
        Assert.Equal(Mode0700, System.IO.File.GetUnixFileMode(Path.Combine(Target, "pub")));
        tree.Expose();
        Assert.Equal(Mode0755, System.IO.File.GetUnixFileMode(Target));
        Assert.Equal((UnixFileMode)0x1FF, System.IO.File.GetUnixFileMode(Path.Combine(Target, "pub")));
    }

    [RootFact]
    public async Task ExtractAsync_SetuidFileAndDeviceNode_HeldBackUntilExpose()
    {
        const UnixFileMode setuid = UnixFileMode.SetUser | Mode0755;
        using var tar = Archive(
            File("./usr/bin/su", "#!/bin/sh\n", setuid),
            new PaxTarEntry(TarEntryType.BlockDevice, "./dev/sda") { DeviceMajor = 8, DeviceMinor = 0, Mode = (UnixFileMode)0x1B6 },
            new PaxTarEntry(TarEntryType.CharacterDevice, "./dev/null") { DeviceMajor = 1, DeviceMinor = 3, Mode = (UnixFileMode)0x1B6 });

        var tree = await ExtractAsync(tar);

        Assert.Equal(Mode0755, System.IO.File.GetUnixFileMode(Path.Combine(Target, "usr/bin/su")));
        Assert.Equal((UnixFileMode)0, System.IO.File.GetUnixFileMode(Path.Combine(Target, "dev/sda")));
        Assert.Equal(FileKind.CharacterDevice, LibC.GetFileKind(Path.Combine(Target, "dev/null")));
        Assert.Equal(3, tree.HeldBack);

        tree.Expose();

        Assert.Equal(setuid, System.IO.File.GetUnixFileMode(Path.Combine(Target, "usr/bin/su")));
        Assert.Equal((UnixFileMode)0x1B6, System.IO.File.GetUnixFileMode(Path.Combine(Target, "dev/sda")));
    }

    [RootFact]
    public async Task ExtractAsync_SetuidFileReplacedBySymlink_ExposeDoesNotFollowIt()
    {
        string outside = Path.Combine(_dir, "outside");
        System.IO.File.WriteAllText(outside, "x");
        System.IO.File.SetUnixFileMode(outside, Mode0644);
        using var tar = Archive(File("./a", "x", UnixFileMode.SetUser | Mode0755), Link(TarEntryType.SymbolicLink, "./a", outside));

        (await ExtractAsync(tar)).Expose();

        Assert.Equal(Mode0644, System.IO.File.GetUnixFileMode(outside));
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    public async Task ExtractAsync_EntryNameEscapes_RefusesAndWritesNothingOutside(string name)
    {
        using var tar = Archive(File(name, "x"));

        var ex = await RefusedAsync(tar);

        Assert.Equal(TarArchiveError.Unsafe, ex.Error);
        Assert.False(System.IO.File.Exists(Path.Combine(_dir, "escape")));
    }

    [Fact]
    public async Task ExtractAsync_WriteThroughEarlierSymlink_Refused()
    {
        string outside = Path.Combine(_dir, "outside");
        Directory.CreateDirectory(outside);
        using var tar = Archive(Link(TarEntryType.SymbolicLink, "sneaky", outside), File("sneaky/planted", "x"));

        var ex = await RefusedAsync(tar);

        Assert.Equal(TarArchiveError.Unsafe, ex.Error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }

    [Fact]
    public async Task ExtractAsync_HardLinkToOutside_Refused()
    {
        using var tar = Archive(Link(TarEntryType.HardLink, "passwd", "../../../etc/passwd"));

        Assert.Equal(TarArchiveError.Unsafe, (await RefusedAsync(tar)).Error);
        Assert.False(System.IO.File.Exists(Path.Combine(Target, "passwd")));
    }

    [Fact]
    public async Task ExtractAsync_FileThenDirectoryOfSameName_Conflict()
    {
        using var tar = Archive(File("./etc", "x"), Directory_("./etc"));

        Assert.Equal(TarArchiveError.Conflict, (await RefusedAsync(tar)).Error);
    }

    [Fact]
    public async Task ExtractAsync_DirectoryThenFileOfSameName_ConflictAndDirectoryKept()
    {
        using var tar = Archive(Directory_("./etc"), File("./etc/keep", "k"), File("./etc", "x"));

        Assert.Equal(TarArchiveError.Conflict, (await RefusedAsync(tar)).Error);
        Assert.True(System.IO.File.Exists(Path.Combine(Target, "etc/keep")));
    }

    [Fact]
    public async Task ExtractAsync_FileUsedAsParent_Conflict()
    {
        using var tar = Archive(File("./etc", "x"), File("./etc/passwd", "y"));

        Assert.Equal(TarArchiveError.Conflict, (await RefusedAsync(tar)).Error);
    }

    [Fact]
    public async Task ExtractAsync_SameFileTwice_LaterCopyWins()
    {
        using var tar = Archive(File("./f", "old"), File("./f", "new"));

        (await ExtractAsync(tar)).Expose();

        Assert.Equal("new", System.IO.File.ReadAllText(Path.Combine(Target, "f")));
    }

    [Fact]
    public async Task ExtractAsync_PaxHeaderBomb_RefusedBeforeItIsRead()
    {
        var huge = new PaxTarEntry(TarEntryType.RegularFile, "bomb", new Dictionary<string, string> { ["comment"] = new string('A', 4_600_000) })
        {
            DataStream = new MemoryStream([1]),
        };
        using var tar = Archive(huge);

        var ex = await RefusedAsync(tar);

        Assert.Equal(TarArchiveError.TooLarge, ex.Error);
        Assert.Contains("PAX", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_NameLongerThanPathMax_NameTooLong()
    {
        string name = string.Join('/', Enumerable.Repeat(new string('n', 200), 25));
        using var tar = Archive(File(name, "x"));

        Assert.Equal(TarArchiveError.NameTooLong, (await RefusedAsync(tar)).Error);
    }

    [Fact]
    public async Task ExtractAsync_ComponentLongerThanNameMax_NameTooLong()
    {
        using var tar = Archive(File(new string('n', 300), "x"));

        Assert.Equal(TarArchiveError.NameTooLong, (await RefusedAsync(tar)).Error);
    }

    [Fact]
    public async Task ExtractAsync_DeeperThanLimit_NameTooLong()
    {
        string name = string.Join('/', Enumerable.Repeat("d", 40)) + "/f";
        using var tar = Archive(File(name, "x"));

        var ex = await RefusedAsync(tar, new TarLimits { MaxDepth = 32 });

        Assert.Equal(TarArchiveError.NameTooLong, ex.Error);
        Assert.Contains("deep", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_MoreEntriesThanLimit_TooManyEntries()
    {
        using var tar = Archive(File("a", "1"), File("b", "2"), File("c", "3"));

        Assert.Equal(TarArchiveError.TooManyEntries, (await RefusedAsync(tar, new TarLimits { MaxEntries = 2 })).Error);
    }

    [Fact]
    public async Task ExtractAsync_EntryLargerThanBudget_RefusedBeforeItsDataIsWritten()
    {
        using var tar = Archive(new PaxTarEntry(TarEntryType.RegularFile, "big") { DataStream = new MemoryStream(new byte[4 << 20]) });

        var ex = await RefusedAsync(tar, new TarLimits { MaxArchiveBytes = 1 << 20, MaxArchiveBytesReason = "the declared size" });

        Assert.Equal(TarArchiveError.TooLarge, ex.Error);
        Assert.Contains("the declared size", ex.Message, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(Path.Combine(Target, "big")));
    }

    [Fact]
    public async Task ExtractAsync_HtmlInsteadOfTar_Malformed()
    {
        var html = string.Concat(Enumerable.Repeat("<html><body>Not Found</body></html>\n", 40));
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(html));

        var ex = await RefusedAsync(stream);

        Assert.Equal(TarArchiveError.Malformed, ex.Error);
    }

    [Theory]
    [InlineData(100)]   // inside the first header
    [InlineData(1024)]  // inside the first entry's data
    [InlineData(2048)]  // after the entry, before the end-of-archive blocks
    public async Task ExtractAsync_Truncated_Truncated(int keep)
    {
        using var full = Archive(new PaxTarEntry(TarEntryType.RegularFile, "f") { DataStream = new MemoryStream(new byte[1000]) });
        using var cut = new MemoryStream(full.ToArray()[..keep]);

        Assert.Equal(TarArchiveError.Truncated, (await RefusedAsync(cut)).Error);
    }

    [Fact]
    public async Task ExtractAsync_PaxSizeOverride_FollowedCorrectly()
    {
        // A PAX 'size' record overrides the header's size field: the guard must follow the same size.
        var entry = new PaxTarEntry(TarEntryType.RegularFile, "f", new Dictionary<string, string> { ["size"] = "3000" })
        {
            DataStream = new MemoryStream(new byte[3000]),
        };
        using var tar = Archive(entry, File("g", "after"));

        (await ExtractAsync(tar)).Expose();

        Assert.Equal(3000, new FileInfo(Path.Combine(Target, "f")).Length);
        Assert.Equal("after", System.IO.File.ReadAllText(Path.Combine(Target, "g")));
    }
}
