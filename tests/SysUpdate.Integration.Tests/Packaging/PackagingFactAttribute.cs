namespace SysUpdate.Integration.Tests.Packaging;

/// <summary>
/// A fact that needs the published binaries and, optionally, third-party programs; skipped with
/// the reason otherwise.
/// </summary>
internal sealed class PackagingFactAttribute : FactAttribute
{
    public PackagingFactAttribute(params string[] executables)
    {
        var missing = executables.Where(e => !File.Exists(e)).ToList();
        if (PublishedBinaries.Missing is { } reason)
            Skip = reason;
        else if (missing.Count > 0)
            Skip = $"not installed: {string.Join(", ", missing)} (tests/run-all.sh installs it as root)";
    }
}
