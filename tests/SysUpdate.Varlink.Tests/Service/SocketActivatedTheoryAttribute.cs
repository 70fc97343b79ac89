namespace SysUpdate.Varlink.Tests.Service;

/// <summary>A theory that starts the built <c>sysupdate</c> under systemd-socket-activate; skipped, with the
/// reason shown, when either is missing.</summary>
internal sealed class SocketActivatedTheoryAttribute : TheoryAttribute
{
    public SocketActivatedTheoryAttribute()
    {
        Skip = Prerequisites.FirstMissing(() => Prerequisites.SysUpdateMissing, () => Prerequisites.SocketActivateMissing);
    }
}
