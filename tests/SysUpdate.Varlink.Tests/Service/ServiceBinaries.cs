using System.Reflection;

namespace SysUpdate.Varlink.Tests.Service;

/// <summary>
/// Finds the built or published executables: <c>SYSUPDATE_BIN</c>/<c>UPDATECTL_BIN</c> (set by
/// tests/run-all.sh to the published ones), else the projects' build output below the repository root
/// for the configuration and runtime identifier this test assembly was built with — never another
/// configuration's (possibly stale) output, never another architecture's.
/// </summary>
internal static class ServiceBinaries
{
    public static string? SysUpdate => Find("SYSUPDATE_BIN", "SysUpdate.Cli", "sysupdate");

    public static string? UpdateCtl => Find("UPDATECTL_BIN", "UpdateCtl", "updatectl");

    public static string Configuration { get; } = BuildMetadata("BuildConfiguration");

    public static string RuntimeIdentifier { get; } = BuildMetadata("BuildRuntimeIdentifier");

    public static string SkipReason(string what) =>
        $"{what} is not built for {Configuration}/{RuntimeIdentifier}: run 'dotnet build src/SysUpdate.Cli src/UpdateCtl -c {Configuration}' or set SYSUPDATE_BIN/UPDATECTL_BIN";

    private static string? Find(string variable, string project, string name)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } fromEnvironment)
            return File.Exists(fromEnvironment) ? fromEnvironment : null;
        string? repo = RepositoryRoot();
        if (repo is null)
            return null;
        string built = Path.Combine(repo, "src", project, "bin", Configuration, "net10.0", RuntimeIdentifier, name);
        return File.Exists(built) ? built : null;
    }

    private static string BuildMetadata(string key) =>
        typeof(ServiceBinaries).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == key)?.Value is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"the test assembly lacks its {key} metadata (see SysUpdate.Varlink.Tests.csproj)");

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
