namespace SysUpdate.Integration.Tests.Faults;

/// <summary>A fact that needs root (device nodes, setuid-root files, setpriv); skipped otherwise.</summary>
internal sealed class RootOnlyFactAttribute : FactAttribute
{
    public RootOnlyFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
            Skip = "needs root";
        else if (!File.Exists("/usr/bin/setpriv"))
            Skip = "needs setpriv (util-linux)";
    }
}
