namespace SysUpdate.Integration.Tests.Faults.Support;

/// <summary>A fact that is skipped, with the reason shown, when the tests do not run as root (they mount).</summary>
internal sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (FaultPrerequisites.NotRoot is { } reason)
            Skip = reason;
    }
}
