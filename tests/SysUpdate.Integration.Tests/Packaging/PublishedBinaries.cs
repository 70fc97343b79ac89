namespace SysUpdate.Integration.Tests.Packaging;

/// <summary>
/// The published single-file <c>sysupdate</c> and <c>updatectl</c> (<c>SYSUPDATE_BIN</c>,
/// <c>UPDATECTL_BIN</c>, as tests/run-all.sh sets them): the install script copies them, so a
/// build-output apphost (which needs its DLLs beside it) would not run once installed.
/// </summary>
internal static class PublishedBinaries
{
    public static string? SysUpdate => Find("SYSUPDATE_BIN");

    public static string? UpdateCtl => Find("UPDATECTL_BIN");

    /// <summary>Why the binaries cannot be used, or null.</summary>
    public static string? Missing =>
        SysUpdate is null || UpdateCtl is null
            ? "needs the published binaries: set SYSUPDATE_BIN and UPDATECTL_BIN (tests/run-all.sh does)"
            : null;

    private static string? Find(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } path && File.Exists(path) ? path : null;
}
