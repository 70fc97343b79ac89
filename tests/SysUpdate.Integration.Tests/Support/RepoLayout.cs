namespace SysUpdate.Integration.Tests.Support;

/// <summary>Where the repository's own files (units, packaging, fixtures) are, found from the test binary.</summary>
internal static class RepoLayout
{
    private static readonly Lazy<string> RootDirectory = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "SysUpdate.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException($"No SysUpdate.sln above {AppContext.BaseDirectory}");
    });

    public static string Root => RootDirectory.Value;

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);
}
