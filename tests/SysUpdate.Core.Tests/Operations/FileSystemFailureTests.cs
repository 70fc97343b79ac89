using SysUpdate.Core.Targets;
using SysUpdate.Core.Transport;

namespace SysUpdate.Core.Tests.Operations;

public sealed class FileSystemFailureTests
{
    public static TheoryData<Exception, Errno?> Cases => new()
    {
        { new IOException("full", (int)Errno.ENOSPC), Errno.ENOSPC },
        { new IOException("ro", (int)Errno.EROFS), Errno.EROFS },
        { new UnauthorizedAccessException("denied"), Errno.EACCES },
        { new SysUpdateException("rename") { Errno = Errno.EROFS }, Errno.EROFS },
        { new IOException("other", (int)Errno.EIO), null },
        { new TransportException(new Uri("file:///x"), TransportError.LocalFile, "permission denied") { Errno = Errno.EACCES }, null },
        { new SysUpdateException("bad hash"), null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ErrnoOf_RecognisesOnlyTheTargetsOwnFileSystemFailures(Exception ex, Errno? expected) =>
        Assert.Equal(expected, FileSystemFailure.ErrnoOf(ex));

    [Fact]
    public void Describe_NoSpace_NamesDirectoryAndNeededSize()
    {
        var error = FileSystemFailure.Describe(Errno.ENOSPC, "/opt/app", "app_v2.bin", 100, 2048, new IOException());

        Assert.Equal(Errno.ENOSPC, error.Errno);
        Assert.Equal("/opt/app", error.Path);
        Assert.Contains("needs 2048 bytes", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
