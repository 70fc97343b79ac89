namespace SysUpdate.Integration.Tests.Faults.Support;

/// <summary>A fact that is skipped, with the reason shown, when gpg is not installed (the test signs a manifest).</summary>
internal sealed class GpgFactAttribute : FactAttribute
{
    public GpgFactAttribute()
    {
        if (FaultPrerequisites.GpgMissing is { } reason)
            Skip = reason;
    }
}
