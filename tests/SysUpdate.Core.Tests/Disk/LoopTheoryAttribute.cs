namespace SysUpdate.Core.Tests.Disk;

/// <summary>A theory needing root and loop devices (losetup); skipped, with the reason, otherwise.</summary>
internal sealed class LoopTheoryAttribute : TheoryAttribute
{
    public LoopTheoryAttribute()
    {
        if (!DiskTestSupport.LoopAvailable)
        {
            Skip = "needs root and loop devices (losetup, /dev/loop-control)";
        }
    }
}
