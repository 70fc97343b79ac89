namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>A theory that is skipped, with the reason shown, where loop devices can't be attached.</summary>
internal sealed class LoopTheoryAttribute : TheoryAttribute
{
    public LoopTheoryAttribute()
    {
        if (DiskTools.LoopUnavailableReason is { } reason)
            Skip = reason;
    }
}
