namespace SysUpdate.Varlink.Tests.Service;

/// <summary>
/// A fact that runs a client as uid 65534 (nobody) through <c>setpriv</c>: skipped, with the reason shown,
/// unless the tests run as root with setpriv and /usr/bin/python3 installed and sysupdate built.
/// </summary>
internal sealed class UnprivilegedPeerFactAttribute : FactAttribute
{
    public const string SetPriv = "/usr/bin/setpriv";
    public const string Python = "/usr/bin/python3";

    public UnprivilegedPeerFactAttribute()
    {
        if (ServiceBinaries.SysUpdate is null)
            Skip = ServiceBinaries.SkipReason("sysupdate");
        else if (Environment.UserName != "root")
            Skip = "needs root to start a client as uid 65534 (setpriv)";
        else if (!File.Exists(SetPriv))
            Skip = "setpriv is not installed (apt-get install util-linux)";
        else if (!File.Exists(Python))
            Skip = "/usr/bin/python3 is not installed";
    }
}
