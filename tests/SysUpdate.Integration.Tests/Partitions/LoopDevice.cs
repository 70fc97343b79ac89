namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>An image file attached to a free loop device (<c>losetup --find --show</c>); detached on dispose.</summary>
internal sealed class LoopDevice : IDisposable
{
    private LoopDevice(string path) => Path = path;

    /// <summary>The device node, e.g. <c>/dev/loop3</c>.</summary>
    public string Path { get; }

    public static LoopDevice Attach(string image, int sectorSize, bool readOnly = false)
    {
        string[] args = readOnly
            ? ["--find", "--show", "--read-only", "--sector-size", sectorSize.ToString(System.Globalization.CultureInfo.InvariantCulture), image]
            : ["--find", "--show", "--sector-size", sectorSize.ToString(System.Globalization.CultureInfo.InvariantCulture), image];
        var (exit, stdout, stderr) = DiskTools.Run("losetup", args);
        Assert.True(exit == 0, $"losetup {string.Join(' ', args)} failed ({exit}): {stderr}");
        return new LoopDevice(stdout.Trim());
    }

    public void Dispose()
    {
        var (exit, _, stderr) = DiskTools.Run("losetup", "--detach", Path);
        if (exit != 0)
            Console.Error.WriteLine($"losetup --detach {Path} failed ({exit}): {stderr}");
    }
}
