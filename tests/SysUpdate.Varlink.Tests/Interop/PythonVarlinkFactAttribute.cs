using SysUpdate.Varlink.Tests.Service;

namespace SysUpdate.Varlink.Tests.Interop;

/// <summary>A fact that runs the python3-varlink reference client; skipped, with the reason shown, when
/// <c>/usr/bin/python3 -c "import varlink"</c> fails.</summary>
internal sealed class PythonVarlinkFactAttribute : FactAttribute
{
    public PythonVarlinkFactAttribute()
    {
        Skip = Prerequisites.PythonVarlinkMissing;
    }
}
