using SysUpdate.Integration.Tests.Sandbox;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Packaging;

/// <summary>
/// packaging/install.sh into a temporary DESTDIR: every file in place with its mode, units pointed
/// at the prefix, the installed binary runs; <c>--uninstall</c> leaves no file behind. The
/// <c>--replace-systemd</c> round trip runs dpkg-divert against a throw-away root (<c>--root=</c>),
/// never the host's systemd.
/// </summary>
public sealed class InstallScriptTests : IDisposable
{
    private const string Prefix = "/opt/sysupdate";
    private const string SystemdBinary = "usr/lib/systemd/systemd-sysupdate";

    private static readonly string[] UpstreamSandboxedUnits = ["systemd-sysupdate@.service", "systemd-sysupdate-update.service", "systemd-sysupdate.service"];

    private readonly TempDirectory _tmp = new("sysupdate-install-");
    private readonly string _destdir;

    public InstallScriptTests()
    {
        _destdir = _tmp.Dir("root");
    }

    public void Dispose() => _tmp.Dispose();

    [PackagingFact]
    public async Task Install_IntoDestdir_PlacesEveryFileAndUninstallRemovesThem()
    {
        var script = new InstallScript(_tmp);

        (await script.RunAsync($"--prefix={Prefix}", $"--destdir={_destdir}")).ShouldExit(0);

        string[] expected =
        [
            "opt/sysupdate/bin/sysupdate", "opt/sysupdate/bin/updatectl",
            "opt/sysupdate/share/bash-completion/completions/sysupdate", "opt/sysupdate/share/bash-completion/completions/updatectl",
            "opt/sysupdate/share/zsh/site-functions/_sysupdate", "opt/sysupdate/share/zsh/site-functions/_updatectl",
            "opt/sysupdate/share/man/man8/sysupdate.8", "opt/sysupdate/share/man/man1/updatectl.1",
            .. Directory.GetFiles(RepoLayout.Path("src/units")).Where(u => !u.EndsWith(".policy", StringComparison.Ordinal))
                .Select(u => "opt/sysupdate/lib/systemd/system/" + Path.GetFileName(u)),
            "usr/share/polkit-1/actions/org.freedesktop.sysupdate1.policy",
            "opt/sysupdate/lib/sysupdate/installed-files",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), Files().Order(StringComparer.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute, File.GetUnixFileMode(Path.Combine(_destdir, "opt/sysupdate/bin/sysupdate")));
        Assert.Contains("ExecStart=/opt/sysupdate/bin/sysupdate varlink",
            File.ReadAllLines(Path.Combine(_destdir, "opt/sysupdate/lib/systemd/system/sysupdate@.service")));
        Assert.DoesNotContain(Files(), f => f.Contains("systemd-sysupdate", StringComparison.Ordinal));
        var version = await new SysUpdateProcess(Path.Combine(_destdir, "opt/sysupdate/bin/sysupdate")).RunAsync("--version");
        version.ShouldExit(0);

        (await script.RunAsync($"--prefix={Prefix}", $"--destdir={_destdir}", "--uninstall")).ShouldExit(0);

        Assert.Empty(Files());
    }

    [PackagingFact]
    public async Task Install_Twice_RefusesWithOneLineAndKeepsTheFirst()
    {
        var script = new InstallScript(_tmp);
        (await script.RunAsync($"--prefix={Prefix}", $"--destdir={_destdir}")).ShouldExit(0);
        var before = Files().ToList();

        var again = (await script.RunAsync($"--prefix={Prefix}", $"--destdir={_destdir}")).ShouldExit(1);

        Assert.Single(again.ErrorLines);
        Assert.Contains("--uninstall", again.StandardError, StringComparison.Ordinal);
        Assert.Equal(before, Files());
    }

    [PackagingFact("/usr/bin/dpkg-divert")]
    public async Task ReplaceSystemd_NativeAotBuild_DivertsWithoutDropInsAndUninstallRestores()
    {
        var script = new InstallScript(_tmp);
        string systemdOwn = PlaceSystemdOwnBinary();
        var host = HostSystemdBinary();

        (await script.RunAsync("--prefix=/usr", $"--destdir={_destdir}", "--replace-systemd")).ShouldExit(0);

        Assert.Equal("systemd's own systemd-sysupdate\n", File.ReadAllText(systemdOwn + ".distrib"));
        Assert.Equal(File.ReadAllBytes(script.PublishedSysUpdate), File.ReadAllBytes(systemdOwn));
        Assert.Contains($"local diversion of /{SystemdBinary} to /{SystemdBinary}.distrib", await DiversionsAsync());
        // Nothing JIT-compiles in the NativeAOT build: upstream's MemoryDenyWriteExecute=yes stays in force.
        Assert.All(UpstreamSandboxedUnits, unit => Assert.False(Directory.Exists(DropInDirectory(unit))));

        await UninstallRestoresSystemdAsync(script, systemdOwn, host);
    }

    [ReadyToRunBuildFact("/usr/bin/dpkg-divert")]
    public async Task ReplaceSystemd_ReadyToRunBuild_AddsTheJitDropInsAndUninstallRemovesThem()
    {
        var script = new InstallScript(_tmp, ReadyToRunBuildFactAttribute.Binary);
        string systemdOwn = PlaceSystemdOwnBinary();
        var host = HostSystemdBinary();

        (await script.RunAsync("--prefix=/usr", $"--destdir={_destdir}", "--replace-systemd")).ShouldExit(0);

        foreach (string unit in UpstreamSandboxedUnits)
            Assert.Contains("MemoryDenyWriteExecute=no", File.ReadAllLines(Path.Combine(DropInDirectory(unit), "50-sysupdate-dotnet.conf")));

        await UninstallRestoresSystemdAsync(script, systemdOwn, host);
    }

    private string PlaceSystemdOwnBinary()
    {
        string systemdOwn = Path.Combine(_destdir, SystemdBinary);
        Directory.CreateDirectory(Path.GetDirectoryName(systemdOwn)!);
        File.WriteAllText(systemdOwn, "systemd's own systemd-sysupdate\n");
        return systemdOwn;
    }

    private string DropInDirectory(string unit) => Path.Combine(_destdir, "usr/lib/systemd/system", unit + ".d");

    private async Task UninstallRestoresSystemdAsync(InstallScript script, string systemdOwn, (bool, long, DateTime) host)
    {
        (await script.RunAsync("--prefix=/usr", $"--destdir={_destdir}", "--uninstall")).ShouldExit(0);

        Assert.Equal("systemd's own systemd-sysupdate\n", File.ReadAllText(systemdOwn));
        Assert.False(File.Exists(systemdOwn + ".distrib"));
        Assert.DoesNotContain(SystemdBinary, await DiversionsAsync(), StringComparison.Ordinal);
        Assert.All(UpstreamSandboxedUnits, unit => Assert.False(Directory.Exists(DropInDirectory(unit))));
        Assert.Equal([SystemdBinary, "var/lib/dpkg/diversions"], Files().Where(f => !f.StartsWith("var/lib/dpkg/diversions-", StringComparison.Ordinal)));
        Assert.Equal(host, HostSystemdBinary());
    }

    [PackagingFact]
    public async Task Uninstall_NothingInstalled_FailsWithOneLine()
    {
        var script = new InstallScript(_tmp);

        var result = (await script.RunAsync($"--prefix={Prefix}", $"--destdir={_destdir}", "--uninstall")).ShouldExit(1);

        Assert.Single(result.ErrorLines);
        Assert.Contains("installed-files", result.StandardError, StringComparison.Ordinal);
    }

    private IEnumerable<string> Files() =>
        Directory.EnumerateFiles(_destdir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_destdir, f)).Order(StringComparer.Ordinal);

    private async Task<string> DiversionsAsync() =>
        (await new SysUpdateProcess("/usr/bin/dpkg-divert").RunAsync($"--root={_destdir}", "--list")).ShouldExit(0).StandardOutput;

    private static (bool Exists, long Length, DateTime Modified) HostSystemdBinary()
    {
        var file = new FileInfo("/" + SystemdBinary);
        return file.Exists ? (true, file.Length, file.LastWriteTimeUtc) : (false, 0, default);
    }
}
