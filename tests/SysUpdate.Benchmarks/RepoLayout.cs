namespace SysUpdate.Benchmarks;

/// <summary>Where the repository and the published executable are.</summary>
internal static class RepoLayout
{
    public const string PublishCommand = "dotnet publish src/SysUpdate.Cli -c Release -nologo -o artifacts/bin";

    /// <summary>The directory holding SysUpdate.sln, found by walking up from the current directory, then from the binary.</summary>
    public static string FindRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "SysUpdate.sln")))
                    return dir.FullName;
            }
        }
        throw new BenchmarkSetupException("cannot find SysUpdate.sln above the current directory; run from the repository");
    }

    /// <summary>$SYSUPDATE_BIN, or artifacts/bin/sysupdate below the repository.</summary>
    public static string SysUpdateBinary(string root)
    {
        string path = Environment.GetEnvironmentVariable("SYSUPDATE_BIN") is { Length: > 0 } fromEnv
            ? Path.GetFullPath(fromEnv)
            : Path.Combine(root, "artifacts", "bin", "sysupdate");
        if (!File.Exists(path))
            throw new BenchmarkSetupException($"{path} does not exist: publish it first with '{PublishCommand}' (or set SYSUPDATE_BIN)");
        return path;
    }
}
