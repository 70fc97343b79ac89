using SysUpdate.Integration.Tests.Packaging;

namespace SysUpdate.Integration.Tests.Progress;

/// <summary>A fact that runs the published <c>updatectl</c> (<c>UPDATECTL_BIN</c>); skipped with the reason otherwise.</summary>
internal sealed class PublishedUpdateCtlFactAttribute : FactAttribute
{
    public PublishedUpdateCtlFactAttribute()
    {
        if (PublishedBinaries.UpdateCtl is null)
            Skip = "needs the published updatectl: set UPDATECTL_BIN (tests/run-all.sh does)";
    }
}
