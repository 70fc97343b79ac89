using System.Globalization;

namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>A file bind-mounted read-only over itself (<c>mount --bind</c>, then <c>remount,bind,ro</c>):
/// opening it for writing fails with EROFS, as on a read-only file system. Unmounted on dispose.</summary>
internal sealed class ReadOnlyBindMount : IDisposable
{
    /// <summary>Null when bind mounts can be made here; else why not (not root, no CAP_SYS_ADMIN, no mount tool).</summary>
    public static readonly string? UnavailableReason = Probe();

    private ReadOnlyBindMount(string path) => Path = path;

    public string Path { get; }

    public static ReadOnlyBindMount Over(string path)
    {
        Run("mount", "--bind", path, path);
        var mount = new ReadOnlyBindMount(path);
        try
        {
            Run("mount", "-o", "remount,bind,ro", path);
        }
        catch
        {
            mount.Dispose();
            throw;
        }
        return mount;
    }

    public void Dispose()
    {
        var (exit, _, stderr) = DiskTools.Run("umount", Path);
        if (exit != 0)
            Console.Error.WriteLine($"umount {Path} failed ({exit}): {stderr}");
    }

    private static void Run(string tool, params string[] args)
    {
        var (exit, _, stderr) = DiskTools.Run(tool, args);
        Assert.True(exit == 0, $"{tool} {string.Join(' ', args)} failed ({exit}): {stderr}");
    }

    private static string? Probe()
    {
        if (Environment.UserName != "root")
            return $"needs root for bind mounts (running as {Environment.UserName})";
        if (!File.Exists("/usr/bin/mount") && !File.Exists("/bin/mount"))
            return "mount not installed (apt-get install -y mount)";
        // CAP_SYS_ADMIN is bit 21 of the effective set.
        string? capEff = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        if (capEff is null || !ulong.TryParse(capEff["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong caps)
            || (caps & (1UL << 21)) == 0)
            return "no CAP_SYS_ADMIN: bind mounts are not allowed in this container";
        return null;
    }
}
