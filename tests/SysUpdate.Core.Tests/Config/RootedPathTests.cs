using SysUpdate.Core.Config;

namespace SysUpdate.Core.Tests.Config;

public sealed class RootedPathTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sysupdate-rooted-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Resolve_HostRoot_Unchanged()
    {
        Assert.Equal("/opt/images", RootedPath.Resolve("/", "/opt/images"));
    }

    [Fact]
    public void Resolve_AbsoluteSymlinkInsideRoot_StaysInsideRoot()
    {
        Directory.CreateDirectory(Path.Combine(_root, "opt"));
        File.CreateSymbolicLink(Path.Combine(_root, "opt/images"), "/elsewhere");

        Assert.Equal(_root + "/elsewhere/v1", RootedPath.Resolve(_root, "/opt/images/v1"));
    }

    [Fact]
    public void Resolve_RelativeSymlinkClimbingAboveRoot_ClampedAtRoot()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "up"), "../../../../etc");

        Assert.Equal(_root + "/etc", RootedPath.Resolve(_root, "/up"));
    }

    [Fact]
    public void Resolve_DotDotInPath_NeverAboveRoot()
    {
        Assert.Equal(_root + "/etc", RootedPath.Resolve(_root, "/../../etc"));
    }

    [Fact]
    public void Resolve_RelativeSymlinkInside_Followed()
    {
        Directory.CreateDirectory(Path.Combine(_root, "var/lib/real"));
        File.CreateSymbolicLink(Path.Combine(_root, "var/lib/machines"), "real");

        Assert.Equal(_root + "/var/lib/real", RootedPath.Resolve(_root, "/var/lib/machines"));
    }

    [Fact]
    public void Resolve_SymlinkLoop_Refused()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "a"), "/b");
        File.CreateSymbolicLink(Path.Combine(_root, "b"), "/a");

        var ex = Assert.Throws<SysUpdateException>(() => RootedPath.Resolve(_root, "/a/x"));
        Assert.Equal(Errno.ELOOP, ex.Errno);
    }

    [Fact]
    public void ResolveParent_LastComponentNotFollowed()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "current"), "/etc/passwd");

        Assert.Equal(_root + "/current", RootedPath.ResolveParent(_root, "/current"));
    }

    [Fact]
    public void InRoot_OutsideRoot_Null()
    {
        Assert.Equal("/var/x", RootedPath.InRoot(_root, _root + "/var/x"));
        Assert.Null(RootedPath.InRoot(_root, "/etc"));
    }
}
