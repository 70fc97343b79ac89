namespace SysUpdate.Core.Tests.Disk;

/// <summary>A fact needing sfdisk plus root and loop devices (4096-byte logical sectors); skipped otherwise.</summary>
internal sealed class LoopFactAttribute : FactAttribute
{
    public LoopFactAttribute()
    {
        if (!DiskTestSupport.SfdiskAvailable)
        {
            Skip = DiskTestSupport.SfdiskMissing;
        }
        else if (!DiskTestSupport.LoopAvailable)
        {
            Skip = "needs root and loop devices (losetup)";
        }
    }
}
