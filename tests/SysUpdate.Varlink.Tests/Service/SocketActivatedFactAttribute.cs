namespace SysUpdate.Varlink.Tests.Service;

/// <summary>A fact skipped, with the reason, unless sysupdate is built and systemd-socket-activate is installed.</summary>
internal sealed class SocketActivatedFactAttribute : FactAttribute
{
    public SocketActivatedFactAttribute()
    {
        Skip = Prerequisites.FirstMissing(() => Prerequisites.SysUpdateMissing, () => Prerequisites.SocketActivateMissing);
    }
}
