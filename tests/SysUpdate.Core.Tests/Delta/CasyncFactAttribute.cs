namespace SysUpdate.Core.Tests.Delta;

/// <summary>A fact that is skipped, with the reason shown, when the casync tool is not installed.</summary>
internal sealed class CasyncFactAttribute : FactAttribute
{
    public CasyncFactAttribute()
    {
        if (!CasyncTool.Available)
        {
            Skip = CasyncTool.Missing;
        }
    }
}
