using SysUpdate.Core.Targets;

namespace SysUpdate.Core.Tests.Targets;

/// <summary>A small fake <c>/proc/self/mountinfo</c>, <c>/sys</c> and <c>/run</c> in a temporary directory,
/// shaped like the kernel's (device directories under <c>/sys/devices</c>, symlinks in
/// <c>/sys/dev/block</c> and <c>/sys/class/block</c>), for <see cref="BlockDeviceLocator"/>.</summary>
internal sealed class FakeSystem
{
    private readonly string _proc;
    private readonly string _sys;
    private readonly string _run;
    private int _mountId = 20;

    public FakeSystem(string baseDirectory)
    {
        string root = Directory.CreateDirectory(Path.Combine(baseDirectory, "fake-" + Guid.NewGuid().ToString("N"))).FullName;
        _proc = Directory.CreateDirectory(Path.Combine(root, "proc", "self")).Parent!.FullName;
        _sys = Directory.CreateDirectory(Path.Combine(root, "sys")).FullName;
        _run = Directory.CreateDirectory(Path.Combine(root, "run")).FullName;
        Directory.CreateDirectory(Path.Combine(_sys, "dev", "block"));
        Directory.CreateDirectory(Path.Combine(_sys, "class", "block"));
        File.WriteAllText(MountInfo, string.Empty);
    }

    public BlockDeviceLocator Locator => new(_proc, _sys, _run);

    public string Run => _run;

    private string MountInfo => Path.Combine(_proc, "self", "mountinfo");

    public void Mount(string deviceNumber, string mountPoint, string fsType, string source) =>
        File.AppendAllText(MountInfo, $"{_mountId++} 1 {deviceNumber} / {mountPoint.Replace(" ", "\\040", StringComparison.Ordinal)} rw,relatime - {fsType} {source} rw\n");

    public string WholeDisk(string name, string deviceNumber)
    {
        string dir = DeviceDirectory(name);
        Register(dir, name, deviceNumber);
        return dir;
    }

    public string Partition(string disk, string name, string deviceNumber)
    {
        string diskDir = DeviceDirectory(disk);
        if (!File.Exists(Path.Combine(diskDir, "uevent")))
            Register(diskDir, disk, "8:0");
        string dir = Directory.CreateDirectory(Path.Combine(diskDir, name)).FullName;
        File.WriteAllText(Path.Combine(dir, "partition"), name[^1..] + "\n");
        Register(dir, name, deviceNumber);
        return dir;
    }

    public void DeviceMapper(string name, string deviceNumber, params string[] slaveDirectories)
    {
        string dir = Directory.CreateDirectory(Path.Combine(_sys, "devices", "virtual", "block", name)).FullName;
        Register(dir, name, deviceNumber);
        string slaves = Directory.CreateDirectory(Path.Combine(dir, "slaves")).FullName;
        foreach (string slave in slaveDirectories)
            Directory.CreateSymbolicLink(Path.Combine(slaves, Path.GetFileName(slave)), Path.GetRelativePath(slaves, slave));
    }

    private string DeviceDirectory(string disk) =>
        Directory.CreateDirectory(Path.Combine(_sys, "devices", "pci0000:00", "block", disk)).FullName;

    private void Register(string dir, string name, string deviceNumber)
    {
        File.WriteAllText(Path.Combine(dir, "dev"), deviceNumber + "\n");
        File.WriteAllText(Path.Combine(dir, "uevent"), $"MAJOR={deviceNumber.Split(':')[0]}\nMINOR={deviceNumber.Split(':')[1]}\nDEVNAME={name}\nDEVTYPE=disk\n");
        string devLink = Path.Combine(_sys, "dev", "block", deviceNumber);
        if (!File.Exists(devLink) && !Directory.Exists(devLink))
            Directory.CreateSymbolicLink(devLink, Path.GetRelativePath(Path.GetDirectoryName(devLink)!, dir));
        string classLink = Path.Combine(_sys, "class", "block", name);
        if (!Directory.Exists(classLink))
            Directory.CreateSymbolicLink(classLink, Path.GetRelativePath(Path.GetDirectoryName(classLink)!, dir));
    }
}
