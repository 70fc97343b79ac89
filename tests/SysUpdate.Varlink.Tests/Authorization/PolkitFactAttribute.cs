using SysUpdate.Varlink.Tests.Service;

namespace SysUpdate.Varlink.Tests.Authorization;

/// <summary>
/// A fact that runs a private dbus-daemon and a real polkitd, and clients as test users: skipped, with
/// the reason shown, unless the tests run as root with dbus-daemon, polkitd, unshare, setpriv and
/// /usr/bin/python3 installed and sysupdate built.
/// </summary>
internal sealed class PolkitFactAttribute : FactAttribute
{
    public PolkitFactAttribute()
    {
        Skip = Prerequisites.FirstMissing(
            () => Prerequisites.SysUpdateMissing,
            () => Prerequisites.OtherUidMissing,
            () => Missing(PolkitBus.DBusDaemon, "dbus"),
            () => Missing(PolkitBus.Polkitd, "polkitd"),
            () => Missing(PolkitBus.Unshare, "util-linux"),
            () => Missing(TestUsers.UserAdd, "passwd"));
    }

    private static string? Missing(string path, string package) =>
        File.Exists(path) ? null : $"{path} is not installed (apt-get install {package})";
}
