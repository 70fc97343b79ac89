using SysUpdate.Integration.Tests.Sandbox;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Packaging;

/// <summary>Runs packaging/install.sh with the published binaries staged in a directory of their own.</summary>
internal sealed class InstallScript
{
    private readonly string _from;

    /// <param name="sysupdate">Another build of sysupdate to install (default: the published x64 one).</param>
    public InstallScript(TempDirectory tmp, string? sysupdate = null)
    {
        _from = tmp.Dir("published");
        File.Copy(sysupdate ?? PublishedBinaries.SysUpdate!, Path.Combine(_from, "sysupdate"));
        File.Copy(PublishedBinaries.UpdateCtl!, Path.Combine(_from, "updatectl"));
    }

    public string PublishedSysUpdate => Path.Combine(_from, "sysupdate");

    public Task<ProcessResult> RunAsync(params string[] args) =>
        new SysUpdateProcess("/bin/bash").RunAsync([RepoLayout.Path("packaging/install.sh"), $"--from={_from}", .. args]);
}
