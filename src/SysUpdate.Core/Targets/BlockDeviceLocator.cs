using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Disk;
using SysUpdate.Core.Native;

namespace SysUpdate.Core.Targets;

/// <summary>
/// Finds the whole disk that holds the file system of a directory, for partition targets with
/// <c>Path=auto</c> (the disk backing <c>/usr</c>) or <c>Path=</c> naming a directory. The mount is looked
/// up in <c>/proc/self/mountinfo</c> (longest mount point that contains the path), its device number in
/// <c>/sys/dev/block/MAJ:MIN</c>; a device-mapper device (verity, crypt) is followed to the partitions
/// below it, and a partition to its parent disk, named from the parent's <c>uevent</c> <c>DEVNAME</c>.
/// </summary>
/// <param name="procRoot">Normally <c>/proc</c>; tests use a fake tree.</param>
/// <param name="sysRoot">Normally <c>/sys</c>.</param>
/// <param name="runRoot">Normally <c>/run</c> (for <c>/run/systemd/volatile-root</c>).</param>
internal sealed class BlockDeviceLocator(string procRoot = "/proc", string sysRoot = "/sys", string runRoot = "/run")
{
    /// <summary>The disk <c>Path=auto</c> means: the one behind <c>/run/systemd/volatile-root</c> when the
    /// root was replaced by a volatile file system, else the one backing <c>/usr</c>.</summary>
    public string FindAutoDisk()
    {
        string volatileRoot = Path.Combine(runRoot, "systemd", "volatile-root");
        if (new FileInfo(volatileRoot).LinkTarget is not null)
        {
            var target = new FileInfo(volatileRoot).ResolveLinkTarget(returnFinalTarget: true);
            string name = Path.GetFileName(target?.FullName ?? string.Empty);
            string devFile = Path.Combine(sysRoot, "class", "block", name, "dev");
            if (name.Length == 0 || !File.Exists(devFile))
                throw new SysUpdateException($"Path=auto: {volatileRoot} is not linked to a block device; set Path= to the disk.") { Errno = Errno.ENOTBLK };
            return WholeDisk(File.ReadAllText(devFile).Trim(), "Path=auto", volatileRoot);
        }
        return FindDiskBacking("/usr", "Path=auto");
    }

    /// <summary>The whole disk holding the file system <paramref name="directory"/> is on.</summary>
    /// <param name="what">How the caller names the setting, for messages (<c>Path=auto</c>).</param>
    public string FindDiskBacking(string directory, string what)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (full.Length == 0)
            full = "/";
        if (Directory.Exists(full) && new DirectoryInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } resolved)
            full = Path.TrimEndingDirectorySeparator(resolved.FullName);

        var mount = FindMount(full)
            ?? throw new SysUpdateException($"{what}: no mount found for {full} in {Path.Combine(procRoot, "self", "mountinfo")}; set Path= to the disk.") { Errno = Errno.ENODEV };
        if (mount.DeviceNumber.StartsWith("0:", StringComparison.Ordinal))
            throw new SysUpdateException(
                $"{what}: {full} is not on a block device ({mount.FileSystemType} '{mount.Source}' mounted on {mount.MountPoint}); set Path= to the disk.")
            { Errno = Errno.ENOTBLK };
        return WholeDisk(mount.DeviceNumber, what, full);
    }

    /// <summary>True if <paramref name="path"/> opens as a block device (it answers <c>BLKGETSIZE64</c>).</summary>
    public static bool IsBlockDevice(string path)
    {
        using var handle = LibC.TryOpen(path, DiskInterop.O_RDONLY, 0, out _);
        if (handle is null)
            return false;
        ulong size = 0;
        return DiskInterop.IoctlUInt64(handle, DiskInterop.BLKGETSIZE64, ref size) == 0;
    }

    private string WholeDisk(string deviceNumber, string what, string origin)
    {
        string devLink = Path.Combine(sysRoot, "dev", "block", deviceNumber);
        if (!Directory.Exists(devLink))
            throw new SysUpdateException($"{what}: {origin} is on device {deviceNumber}, which is not a block device; set Path= to the disk.") { Errno = Errno.ENOTBLK };

        // sysfs links are relative to where they physically live, so resolve before descending.
        string sysDevice = RealPath(devLink);

        // A device-mapper device (dm-verity, dm-crypt): the partitions below it.
        string slaves = Path.Combine(sysDevice, "slaves");
        var below = Directory.Exists(slaves) ? Directory.GetFileSystemEntries(slaves) : [];
        var devices = below.Length == 0 ? [sysDevice] : below.Select(RealPath).ToArray();

        var disks = new HashSet<string>(StringComparer.Ordinal);
        foreach (string device in devices)
        {
            if (!File.Exists(Path.Combine(device, "partition")))
                throw new SysUpdateException(
                    $"{what}: the file system of {origin} is on /dev/{DeviceName(device)}, which is not a partition; cannot determine the disk holding the partition slots. Set Path= to the disk.")
                { Errno = Errno.EINVAL };
            disks.Add(Path.GetDirectoryName(device)!);
        }
        if (disks.Count != 1)
            throw new SysUpdateException(
                $"{what}: the file system of {origin} spans partitions of several disks ({string.Join(", ", disks.Select(d => "/dev/" + DeviceName(d)))}); set Path= to the disk.")
            { Errno = Errno.EINVAL };
        return "/dev/" + DeviceName(disks.First());
    }

    private static string RealPath(string path)
    {
        var target = new DirectoryInfo(path).ResolveLinkTarget(returnFinalTarget: true);
        return Path.TrimEndingDirectorySeparator(target?.FullName ?? Path.GetFullPath(path));
    }

    /// <summary><c>DEVNAME</c> from the sysfs <c>uevent</c> file, else the directory name.</summary>
    private static string DeviceName(string sysDevice)
    {
        string uevent = Path.Combine(sysDevice, "uevent");
        if (File.Exists(uevent))
        {
            foreach (string line in File.ReadLines(uevent))
            {
                if (line.StartsWith("DEVNAME=", StringComparison.Ordinal))
                    return line["DEVNAME=".Length..];
            }
        }
        return Path.GetFileName(sysDevice);
    }

    private MountInfoEntry? FindMount(string path)
    {
        string mountInfo = Path.Combine(procRoot, "self", "mountinfo");
        MountInfoEntry? best = null;
        foreach (string line in File.ReadLines(mountInfo))
        {
            if (MountInfoEntry.Parse(line) is not { } entry)
                continue;
            string mp = entry.MountPoint;
            bool contains = mp == "/" || path == mp || path.StartsWith(mp + "/", StringComparison.Ordinal);
            // Later lines are mounted on top of earlier ones at the same point.
            if (contains && (best is null || mp.Length >= best.MountPoint.Length))
                best = entry;
        }
        return best;
    }
}
