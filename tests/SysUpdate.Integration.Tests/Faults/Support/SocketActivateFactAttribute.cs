namespace SysUpdate.Integration.Tests.Faults.Support;

/// <summary>A fact that is skipped, with the reason shown, when systemd-socket-activate is not installed.</summary>
internal sealed class SocketActivateFactAttribute : FactAttribute
{
    public SocketActivateFactAttribute()
    {
        if (FaultPrerequisites.SocketActivateMissing is { } reason)
            Skip = reason;
    }
}
