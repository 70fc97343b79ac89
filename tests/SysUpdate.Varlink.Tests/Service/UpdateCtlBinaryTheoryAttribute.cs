namespace SysUpdate.Varlink.Tests.Service;

/// <summary>A theory that runs the built <c>updatectl</c>; skipped, with the reason shown, when it is not built.</summary>
internal sealed class UpdateCtlBinaryTheoryAttribute : TheoryAttribute
{
    public UpdateCtlBinaryTheoryAttribute()
    {
        Skip = Prerequisites.UpdateCtlMissing;
    }
}
