namespace SysUpdate.Integration.Tests.Arm64;

/// <summary>A fact that is skipped, with the reason shown, where the arm64 build can't run under qemu.</summary>
internal sealed class Arm64FactAttribute : FactAttribute
{
    public Arm64FactAttribute()
    {
        if (QemuAarch64.UnavailableReason is { } reason)
            Skip = reason;
    }
}
