namespace SysUpdate.Core.Tests.Disk;

/// <summary>A fact that is skipped, with the reason shown, when sfdisk is not installed.</summary>
internal sealed class SfdiskFactAttribute : FactAttribute
{
    public SfdiskFactAttribute()
    {
        if (!DiskTestSupport.SfdiskAvailable)
        {
            Skip = DiskTestSupport.SfdiskMissing;
        }
    }
}
