using SysUpdate.Core.Native;
using SysUpdate.Core.Targets;

namespace SysUpdate.Core.Tests.Targets;

public sealed class DirectoryCopierTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sysupdate-copy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task CopyAsync_FifoInSource_SkippedInsteadOfBlocking()
    {
        string source = Directory.CreateDirectory(Path.Combine(_dir, "src")).FullName;
        File.WriteAllText(Path.Combine(source, "file"), "content");
        LibC.MakeNode(Path.Combine(source, "pipe"), LibC.S_IFIFO | 0x1A4, 0, 0);
        string destination = Path.Combine(_dir, "dst");

        // The timeout only fails a hung copy (opening the FIFO would wait for a writer forever).
        await DirectoryCopier.CopyAsync(source, destination, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(["file"], Directory.EnumerateFileSystemEntries(destination).Select(Path.GetFileName));
        Assert.Equal("content", File.ReadAllText(Path.Combine(destination, "file")));
    }
}
