namespace SysUpdate.Varlink.Tests.Service;

/// <summary>A fact that is skipped, with the reason shown, when the sysupdate executable is not built.</summary>
internal sealed class SysUpdateBinaryFactAttribute : FactAttribute
{
    public SysUpdateBinaryFactAttribute()
    {
        Skip = Prerequisites.SysUpdateMissing;
    }
}
