namespace SysUpdate.Core.Tests.Delta;

/// <summary>A theory that is skipped, with the reason shown, when the casync tool is not installed.</summary>
internal sealed class CasyncTheoryAttribute : TheoryAttribute
{
    public CasyncTheoryAttribute()
    {
        if (!CasyncTool.Available)
        {
            Skip = CasyncTool.Missing;
        }
    }
}
