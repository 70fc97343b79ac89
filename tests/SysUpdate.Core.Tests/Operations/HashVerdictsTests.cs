using SysUpdate.Core.Operations;

namespace SysUpdate.Core.Tests.Operations;

public sealed class HashVerdictsTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("sysupdate-verdicts-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void RecordMismatch_ThenClear_IsKeyedByTargetAndVersion()
    {
        var verdicts = new HashVerdicts(_root.FullName);
        string target = Path.Combine(_root.FullName, "opt/app");

        verdicts.RecordMismatch(target, "v2", "bad hash");

        Assert.True(verdicts.IsMismatch(target, "v2"));
        Assert.False(verdicts.IsMismatch(target, "v3"));
        Assert.False(verdicts.IsMismatch(Path.Combine(_root.FullName, "opt/other"), "v2"));
        Assert.StartsWith(_root.FullName + "/var/lib/systemd/sysupdate/", verdicts.Directory, StringComparison.Ordinal);
        Assert.Contains("/opt/app\nv2\n", File.ReadAllText(Directory.GetFiles(verdicts.Directory).Single()), StringComparison.Ordinal);

        verdicts.Clear(target, "v2");
        Assert.False(verdicts.IsMismatch(target, "v2"));
    }
}
