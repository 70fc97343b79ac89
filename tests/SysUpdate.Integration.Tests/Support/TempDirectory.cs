namespace SysUpdate.Integration.Tests.Support;

/// <summary>
/// A fresh directory under the system temp directory, removed on dispose together with the entries
/// that installs into it left in the host's install database: with <c>--definitions</c> the root is
/// <c>/</c>, so <c>update</c> records its targets in <c>/var/lib/systemd/sysupdate/installdb</c>, as
/// upstream does.
/// </summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "sysupdate-it-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Creates (if needed) and returns a subdirectory.</summary>
    public string Dir(params string[] parts) => Directory.CreateDirectory(Combine(parts)).FullName;

    private const string InstallDb = "/var/lib/systemd/sysupdate/installdb";

    public void Dispose()
    {
        RemoveInstallDbEntries();
        try
        {
            MakeWritable(new DirectoryInfo(Path));
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private void RemoveInstallDbEntries()
    {
        if (!Directory.Exists(InstallDb))
            return;
        foreach (var entry in new DirectoryInfo(InstallDb).EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is { } target && target.StartsWith(Path + "/", StringComparison.Ordinal))
                entry.Delete();
        }
    }

    private static void MakeWritable(DirectoryInfo dir)
    {
        if (!dir.Exists)
            return;
        foreach (var entry in dir.EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (entry.LinkTarget is null && entry is FileInfo file)
                file.UnixFileMode |= UnixFileMode.UserWrite;
        }
    }
}
