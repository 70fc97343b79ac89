using SysUpdate.Integration.Tests.Sandbox;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Packaging;

/// <summary>
/// The unit files as systemd reads them: <c>systemd-analyze verify</c> (which also checks that
/// ExecStart= is executable) on our units as install.sh installs them, and on 262.1's units with
/// our drop-in in their <c>.d</c> directories. A bad key, section or path is a line on stderr.
/// </summary>
public sealed class UnitVerifyTests : IDisposable
{
    private const string Verifier = "/usr/bin/systemd-analyze";
    private const string DropIn = "50-sysupdate-dotnet.conf";

    private readonly TempDirectory _tmp = new("sysupdate-units-");

    public void Dispose() => _tmp.Dispose();

    [PackagingFact(Verifier)]
    public async Task InstalledOwnUnits_Verify()
    {
        string prefix = _tmp.Combine("prefix");
        (await new InstallScript(_tmp).RunAsync($"--prefix={prefix}")).ShouldExit(0);
        string unitDir = Path.Combine(prefix, "lib/systemd/system");

        var result = await VerifyAsync(unitDir, Directory.GetFiles(unitDir));

        result.ShouldExit(0);
        Assert.Empty(result.StandardError);
    }

    [PackagingFact(Verifier)]
    public async Task UpstreamUnitsWithDropIn_Verify()
    {
        string unitDir = _tmp.Dir("units");
        string binary = PublishedBinaries.SysUpdate!;
        foreach (string unit in (string[])["systemd-sysupdate@.service", "systemd-sysupdate-update.service"])
        {
            // 262.1's unit as shipped, with ExecStart= at a binary that exists here.
            string text = File.ReadAllText(Path.Combine(SandboxLauncher.Directory, "upstream-262.1", unit))
                .Replace("/usr/lib/systemd/systemd-sysupdate", binary, StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(unitDir, unit), text);
            File.Copy(RepoLayout.Path("packaging/systemd/" + DropIn), Path.Combine(Directory.CreateDirectory(Path.Combine(unitDir, unit + ".d")).FullName, DropIn));
        }

        var result = await VerifyAsync(unitDir, ["systemd-sysupdate@x.service", "systemd-sysupdate-update.service"]);

        result.ShouldExit(0);
        Assert.Empty(result.StandardError);
    }

    private static Task<ProcessResult> VerifyAsync(string unitDir, IEnumerable<string> units) =>
        new SysUpdateProcess(Verifier).WithEnvironment("SYSTEMD_UNIT_PATH", unitDir + ":").RunAsync(["verify", "--man=no", .. units]);
}
