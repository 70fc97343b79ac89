namespace SysUpdate.Core.Tests.Targets;

/// <summary>A fact that needs root (device nodes, owners, setuid files owned by root); skipped otherwise.</summary>
internal sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
            Skip = "needs root";
    }
}
