using SysUpdate.Core.Targets;
using SysUpdate.Core.Tests.Disk;

namespace SysUpdate.Core.Tests.Targets;

public sealed class PartialFileModeTests : IDisposable
{
    private readonly string _dir = DiskTestSupport.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Verified_IsWhatAPlainCreateGivesUnderThisUmask()
    {
        string created = Path.Combine(_dir, "plain");
        File.WriteAllBytes(created, []);

        Assert.Equal(File.GetUnixFileMode(created), PartialFileMode.Verified());
    }
}
