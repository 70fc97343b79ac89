namespace SysUpdate.Varlink.Tests.Service;

/// <summary>A fact that is skipped, with the reason shown, when sysupdate is not built or casync is not installed.</summary>
internal sealed class SysUpdateAndCasyncFactAttribute : FactAttribute
{
    public const string Casync = "/usr/bin/casync";

    public SysUpdateAndCasyncFactAttribute()
    {
        Skip = Prerequisites.FirstMissing(
            () => Prerequisites.SysUpdateMissing,
            () => File.Exists(Casync) ? null : "casync is not installed (apt-get install casync)");
    }
}
