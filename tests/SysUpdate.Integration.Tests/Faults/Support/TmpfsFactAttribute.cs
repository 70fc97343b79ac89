namespace SysUpdate.Integration.Tests.Faults.Support;

/// <summary>A fact that is skipped, with the reason shown, where a tmpfs cannot be mounted (not root, no CAP_SYS_ADMIN).</summary>
internal sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (TmpfsMount.Unavailable is { } reason)
            Skip = reason;
    }
}
