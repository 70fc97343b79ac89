namespace SysUpdate.Varlink.Tests.Service;

/// <summary>
/// A fact that runs the python3-varlink reference client against the built <c>sysupdate varlink</c>,
/// optionally as uid 65534: skipped, with the reason shown, when sysupdate is not built, python3-varlink
/// is not importable, or (as another uid) the tests do not run as root with setpriv.
/// </summary>
internal sealed class PythonSysUpdateClientFactAttribute : FactAttribute
{
    public PythonSysUpdateClientFactAttribute(bool asOtherUid = false)
    {
        Skip = Prerequisites.FirstMissing(
            () => Prerequisites.SysUpdateMissing,
            () => Prerequisites.PythonVarlinkMissing,
            () => asOtherUid ? Prerequisites.OtherUidMissing : null);
    }
}
