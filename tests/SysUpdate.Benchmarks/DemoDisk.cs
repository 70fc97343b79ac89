using SysUpdate.Core.Disk;

namespace SysUpdate.Benchmarks;

/// <summary>The disk image and server port that <c>transfer.d/demo</c> names (as testimages/demo.sh makes them).</summary>
internal static class DemoDisk
{
    public const int ServerPort = 58357;
    public const string ImagePath = "/var/tmp/sysupdate-demo/disk.img";
    private const long MiB = 1024 * 1024;

    public static void EnsureExists()
    {
        if (File.Exists(ImagePath))
            return;
        Directory.CreateDirectory(Path.GetDirectoryName(ImagePath)!);
        GptPartitionTypes.TryResolve("usr-x86-64", out var usr);
        GptPartitionTypes.TryResolve("usr-x86-64-verity", out var verity);
        GptImageBuilder.Create(ImagePath, 10 * MiB,
        [
            new GptPartitionSpec(usr, "_empty", 2 * MiB),
            new GptPartitionSpec(usr, "_empty", 2 * MiB),
            new GptPartitionSpec(verity, "_empty", MiB),
            new GptPartitionSpec(verity, "_empty", MiB),
        ]);
    }
}
