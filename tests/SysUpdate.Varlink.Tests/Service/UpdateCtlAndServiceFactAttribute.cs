namespace SysUpdate.Varlink.Tests.Service;

/// <summary>A fact that runs the built <c>updatectl</c> against the built <c>sysupdate varlink</c>;
/// skipped, with the reason shown, when either is not built.</summary>
internal sealed class UpdateCtlAndServiceFactAttribute : FactAttribute
{
    public UpdateCtlAndServiceFactAttribute()
    {
        Skip = Prerequisites.FirstMissing(() => Prerequisites.UpdateCtlMissing, () => Prerequisites.SysUpdateMissing);
    }
}
