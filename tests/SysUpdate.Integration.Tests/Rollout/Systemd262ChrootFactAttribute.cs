namespace SysUpdate.Integration.Tests.Rollout;

/// <summary>
/// A fact that runs systemd 262.1's own systemd-sysupdate in the Debian sid chroot tests/test72-262/run.sh builds
/// (<c>$TEST72_CHROOT</c>, default /var/tmp/sysupdate-test72-sid-262.1); skipped when the chroot is missing or the
/// tests are not root (chroot and mounts need it).
/// </summary>
internal sealed class Systemd262ChrootFactAttribute : FactAttribute
{
    public Systemd262ChrootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
            Skip = "needs root (unshare, chroot)";
        else if (!File.Exists(Path.Combine(Chroot, "usr/lib/systemd/systemd-sysupdate.upstream")))
            Skip = $"no systemd 262.1 chroot at {Chroot} (bash tests/test72-262/run.sh --upstream builds it)";
        else if (!File.Exists("/usr/bin/unshare"))
            Skip = "needs unshare (util-linux)";
    }

    public static string Chroot =>
        Environment.GetEnvironmentVariable("TEST72_CHROOT") is { Length: > 0 } dir ? dir : "/var/tmp/sysupdate-test72-sid-262.1";
}
