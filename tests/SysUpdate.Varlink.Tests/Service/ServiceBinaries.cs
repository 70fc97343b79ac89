namespace SysUpdate.Varlink.Tests.Service;

/// <summary>
/// Finds the built or published executables: <c>SYSUPDATE_BIN</c>/<c>UPDATECTL_BIN</c> (set by
/// tests/run-all.sh to the published ones), else the projects' build output below the repository root.
/// </summary>
internal static class ServiceBinaries
{
    public static string? SysUpdate => Find("SYSUPDATE_BIN", "SysUpdate.Cli", "sysupdate");

    public static string? UpdateCtl => Find("UPDATECTL_BIN", "UpdateCtl", "updatectl");

    public static string SkipReason(string what) =>
        $"{what} is not built: run 'dotnet build src/SysUpdate.Cli src/UpdateCtl' or set SYSUPDATE_BIN/UPDATECTL_BIN";

    private static string? Find(string variable, string project, string name)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } fromEnvironment)
            return File.Exists(fromEnvironment) ? fromEnvironment : null;
        string? repo = RepositoryRoot();
        if (repo is null)
            return null;
#if DEBUG
        string[] configurations = ["Debug", "Release"];
#else
        string[] configurations = ["Release", "Debug"];
#endif
        return configurations
            .Select(c => Path.Combine(repo, "src", project, "bin", c, "net10.0", "linux-x64", name))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SysUpdate.sln")))
                return dir.FullName;
        }
        return null;
    }

    public static string? RepositoryFile(params string[] parts) =>
        RepositoryRoot() is { } root ? Path.Combine([root, .. parts]) : null;
}
