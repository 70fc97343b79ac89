using SysUpdate.Core.Targets;

namespace SysUpdate.Core.Tests.Targets;

public sealed class CurrentSymlinkTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sysupdate-current-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Machines => Path.Combine(_root, "var/lib/machines");

    private string Current => Path.Combine(Machines, "current");

    private List<string> Installed(params string[] newestFirst) =>
        newestFirst.Select(v => Directory.CreateDirectory(Path.Combine(Machines, v)).FullName).ToList();

    [Fact]
    public void Repair_StaleTemporaryAndOldPointer_RemovedAndRepointed()
    {
        var installed = Installed("rootfs-v2", "rootfs-v1");
        File.CreateSymbolicLink(Current, "rootfs-v1");
        File.CreateSymbolicLink(Path.Combine(Machines, ".#current0123abcd"), "rootfs-v2");

        var repaired = CurrentSymlink.Repair("current", Machines, _root, installed);

        Assert.Equal((Current, "rootfs-v2"), repaired);
        Assert.Equal("rootfs-v2", new FileInfo(Current).LinkTarget);
        Assert.Equal(["current", "rootfs-v1", "rootfs-v2"], Directory.EnumerateFileSystemEntries(Machines).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Repair_Dangling_Repointed()
    {
        var installed = Installed("rootfs-v3");
        File.CreateSymbolicLink(Current, "rootfs-v1");

        Assert.NotNull(CurrentSymlink.Repair("current", Machines, _root, installed));
        Assert.Equal("rootfs-v3", new FileInfo(Current).LinkTarget);
    }

    [Fact]
    public void Repair_Missing_Created()
    {
        var installed = Installed("rootfs-v1");

        Assert.NotNull(CurrentSymlink.Repair("current", Machines, _root, installed));
        Assert.Equal("rootfs-v1", new FileInfo(Current).LinkTarget);
    }

    [Fact]
    public void Repair_AlreadyNewest_Untouched()
    {
        var installed = Installed("rootfs-v2", "rootfs-v1");
        File.CreateSymbolicLink(Current, "rootfs-v2");

        Assert.Null(CurrentSymlink.Repair("current", Machines, _root, installed));
    }

    [Fact]
    public void Repair_PointsAtSomethingElseThatExists_LeftAlone()
    {
        var installed = Installed("rootfs-v2");
        Directory.CreateDirectory(Path.Combine(Machines, "my-debug-tree"));
        File.CreateSymbolicLink(Current, "my-debug-tree");

        Assert.Null(CurrentSymlink.Repair("current", Machines, _root, installed));
        Assert.Equal("my-debug-tree", new FileInfo(Current).LinkTarget);
    }

    [Fact]
    public void Repair_RegularFileInPlace_LeftAlone()
    {
        var installed = Installed("rootfs-v2");
        File.WriteAllText(Current, "mine");

        Assert.Null(CurrentSymlink.Repair("current", Machines, _root, installed));
        Assert.Equal("mine", File.ReadAllText(Current));
    }

    [Fact]
    public void Update_AbsoluteSymlinkedParentInsideRoot_LinkStaysInsideRoot()
    {
        var installed = Installed("rootfs-v1");
        Directory.CreateDirectory(Path.Combine(_root, "elsewhere"));
        Directory.CreateDirectory(Path.Combine(_root, "run"));
        File.CreateSymbolicLink(Path.Combine(_root, "run/links"), "/elsewhere");

        var (link, _) = CurrentSymlink.Update("/run/links/current", Machines, _root, installed[0]);

        Assert.Equal(Path.Combine(_root, "elsewhere/current"), link);
        Assert.True(Directory.Exists(Path.Combine(_root, "elsewhere/current")));
    }
}
