using System.Globalization;

namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>A tmpfs of a few MiB mounted on a fresh temporary directory, for running out of space (ENOSPC).
/// Needs what <see cref="ReadOnlyBindMount"/> needs; unmounted and removed on dispose.</summary>
internal sealed class SmallTmpfs : IDisposable
{
    private SmallTmpfs(string path) => Path = path;

    public string Path { get; }

    public static SmallTmpfs Mount(long sizeBytes)
    {
        string path = Directory.CreateTempSubdirectory("sysupdate-tmpfs-").FullName;
        var (exit, _, stderr) = DiskTools.Run("mount", "-t", "tmpfs", "-o", "size=" + sizeBytes.ToString(CultureInfo.InvariantCulture), "tmpfs", path);
        if (exit != 0)
        {
            Directory.Delete(path);
            Assert.Fail($"mount -t tmpfs on {path} failed ({exit}): {stderr}");
        }
        return new SmallTmpfs(path);
    }

    public void Dispose()
    {
        var (exit, _, stderr) = DiskTools.Run("umount", Path);
        if (exit != 0)
        {
            Console.Error.WriteLine($"umount {Path} failed ({exit}): {stderr}");
            return;
        }
        Directory.Delete(Path);
    }
}
