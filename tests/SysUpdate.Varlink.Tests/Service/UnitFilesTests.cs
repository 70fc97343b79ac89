namespace SysUpdate.Varlink.Tests.Service;

/// <summary>The systemd units in src/units: the settings the service relies on, and systemd-analyze's verdict where available.</summary>
public sealed class UnitFilesTests
{
    private static string Units => ServiceBinaries.RepositoryFile("src", "units") ?? throw new InvalidOperationException("repository not found");

    private static Dictionary<string, string> Settings(string unit) =>
        File.ReadAllLines(Path.Combine(Units, unit))
            .Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .GroupBy(p => p[0])
            .ToDictionary(g => g.Key, g => string.Join(' ', g.Select(p => p[1])));

    [Fact]
    public void Socket_AcceptsPerConnectionOnTheWellKnownPath()
    {
        var socket = Settings("sysupdate.socket");
        Assert.Equal("/run/systemd/io.systemd.SysUpdate", socket["ListenStream"]);
        Assert.Equal("yes", socket["Accept"]);
        Assert.Equal("16", socket["MaxConnectionsPerSource"]);
        Assert.Equal("0666", socket["SocketMode"]);
        Assert.Equal("/usr/bin/sysupdate varlink", Settings("sysupdate@.service")["ExecStart"]);
    }

    [Fact]
    public void UpdateTimer_RandomizedAndPersistent_RunsUpdateServiceWithAllComponents()
    {
        var timer = Settings("sysupdate-update.timer");
        Assert.Equal("15min", timer["OnBootSec"]);
        Assert.Equal("2h", timer["OnUnitActiveSec"]);
        Assert.Equal("4h", timer["RandomizedDelaySec"]);
        Assert.Equal("yes", timer["Persistent"]);
        var service = Settings("sysupdate-update.service");
        Assert.Equal("/usr/bin/sysupdate update --component-all --cleanup=yes", service["ExecStart"]);
        Assert.Equal("simple", service["Type"]);
        Assert.Equal("main", service["NotifyAccess"]);
        Assert.Equal("/usr/bin/sysupdate reboot", Settings("sysupdate-reboot.service")["ExecStart"]);
        Assert.True(Settings("sysupdate-reboot.timer").ContainsKey("OnCalendar"));
    }

    [Fact]
    public void UpdateService_Background_IdleCpuAndIoScheduling()
    {
        var service = Settings("sysupdate-update.service");
        Assert.Equal("idle", service["CPUSchedulingPolicy"]);
        Assert.Equal("idle", service["IOSchedulingClass"]);
    }

    [Fact]
    public void VarlinkService_CanReadCallersProcStat_ProtectProcShowsOtherUsers()
    {
        // hidepid=invisible/ptraceable would hide a caller of another user from root without CAP_SYS_PTRACE.
        var service = Settings("sysupdate@.service");
        Assert.Equal("default", service["ProtectProc"]);
        Assert.DoesNotContain("CAP_SYS_PTRACE", service["CapabilityBoundingSet"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("org.freedesktop.sysupdate1.check", "auth_admin", "auth_admin", "yes")]
    [InlineData("org.freedesktop.sysupdate1.update", "auth_admin", "auth_admin", "yes")]
    [InlineData("org.freedesktop.sysupdate1.update-to-version", "auth_admin", "auth_admin", "auth_admin_keep")]
    [InlineData("org.freedesktop.sysupdate1.vacuum", "auth_admin", "auth_admin", "auth_admin_keep")]
    [InlineData("org.freedesktop.sysupdate1.manage-features", "auth_admin", "auth_admin", "auth_admin_keep")]
    public void PolkitPolicy_Action_HasSysupdatedsDefaults(string id, string any, string inactive, string active)
    {
        var policy = System.Xml.Linq.XDocument.Load(Path.Combine(Units, "org.freedesktop.sysupdate1.policy"));
        var action = Assert.Single(policy.Root!.Elements("action"), a => (string?)a.Attribute("id") == id);
        var defaults = action.Element("defaults")!;
        Assert.Equal(any, (string?)defaults.Element("allow_any"));
        Assert.Equal(inactive, (string?)defaults.Element("allow_inactive"));
        Assert.Equal(active, (string?)defaults.Element("allow_active"));
        Assert.False(string.IsNullOrWhiteSpace((string?)action.Element("description")));
        Assert.False(string.IsNullOrWhiteSpace((string?)action.Element("message")));
    }
}
