namespace SysUpdate.Varlink.Tests.Service;

/// <summary>
/// A fact that runs a client as uid 65534 (nobody) through <c>setpriv</c>: skipped, with the reason shown,
/// unless the tests run as root with setpriv and /usr/bin/python3 installed and sysupdate built.
/// </summary>
internal sealed class UnprivilegedPeerFactAttribute : FactAttribute
{
    public const string SetPriv = Prerequisites.SetPriv;
    public const string Python = Prerequisites.Python;

    public UnprivilegedPeerFactAttribute()
    {
        Skip = Prerequisites.FirstMissing(() => Prerequisites.SysUpdateMissing, () => Prerequisites.OtherUidMissing);
    }
}
