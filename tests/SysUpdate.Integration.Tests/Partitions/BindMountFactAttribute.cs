namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>A fact that is skipped, with the reason shown, where read-only bind mounts can't be made.</summary>
internal sealed class BindMountFactAttribute : FactAttribute
{
    public BindMountFactAttribute()
    {
        if (ReadOnlyBindMount.UnavailableReason is { } reason)
            Skip = reason;
    }
}
