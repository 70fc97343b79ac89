namespace SysUpdate.Varlink.Tests.Service;

/// <summary>A fact that is skipped, with the reason shown, when the updatectl executable is not built.</summary>
internal sealed class UpdateCtlBinaryFactAttribute : FactAttribute
{
    public UpdateCtlBinaryFactAttribute()
    {
        Skip = Prerequisites.UpdateCtlMissing;
    }
}
