using SysUpdate.Core.Targets;
using SysUpdate.Core.Tests.Disk;

namespace SysUpdate.Core.Tests.Targets;

public sealed class BlockDeviceLocatorTests : IDisposable
{
    private readonly string _dir = DiskTestSupport.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void FindAutoDisk_UsrOnPartition_ParentDisk()
    {
        var fake = new FakeSystem(_dir);
        fake.Mount("0:25", "/", "tmpfs", "tmpfs");
        fake.Mount("259:3", "/usr", "erofs", "/dev/nvme0n1p3");
        fake.Partition("nvme0n1", "nvme0n1p3", "259:3");

        Assert.Equal("/dev/nvme0n1", fake.Locator.FindAutoDisk());
    }

    [Fact]
    public void FindAutoDisk_UsrOnVerityOverTwoPartitions_TheirDisk()
    {
        var fake = new FakeSystem(_dir);
        fake.Mount("254:0", "/usr", "erofs", "/dev/mapper/usr");
        string data = fake.Partition("vda", "vda3", "253:3");
        string hash = fake.Partition("vda", "vda4", "253:4");
        fake.DeviceMapper("dm-0", "254:0", data, hash);
        fake.Mount("253:1", "/", "ext4", "/dev/vda1");

        Assert.Equal("/dev/vda", fake.Locator.FindAutoDisk());
    }

    [Fact]
    public void FindAutoDisk_RootOverlay_NotOnBlockDevice()
    {
        var fake = new FakeSystem(_dir);
        fake.Mount("0:31", "/", "overlay", "overlay");
        fake.Mount("0:32", "/usr/local", "tmpfs", "tmpfs");

        var error = Assert.Throws<SysUpdateException>(() => fake.Locator.FindAutoDisk());

        Assert.Equal(Errno.ENOTBLK, error.Errno);
        Assert.Contains("Path=auto", error.Message, StringComparison.Ordinal);
        Assert.Contains("overlay", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindAutoDisk_WholeDiskFileSystem_Refused()
    {
        var fake = new FakeSystem(_dir);
        fake.Mount("254:0", "/", "ext4", "/dev/vda");
        fake.WholeDisk("vda", "254:0");

        var error = Assert.Throws<SysUpdateException>(() => fake.Locator.FindAutoDisk());

        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("/dev/vda", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindAutoDisk_VolatileRoot_FollowsTheLink()
    {
        var fake = new FakeSystem(_dir);
        fake.Mount("0:31", "/", "tmpfs", "tmpfs");
        fake.Partition("sdb", "sdb2", "8:18");
        Directory.CreateDirectory(Path.Combine(fake.Run, "systemd"));
        File.CreateSymbolicLink(Path.Combine(fake.Run, "systemd", "volatile-root"), "/dev/sdb2");

        Assert.Equal("/dev/sdb", fake.Locator.FindAutoDisk());
    }

    [Fact]
    public void FindDiskBacking_LongestMountPointWins_EscapedNames()
    {
        var fake = new FakeSystem(_dir);
        fake.Mount("8:1", "/", "ext4", "/dev/sda1");
        fake.Mount("8:17", "/srv/my data", "ext4", "/dev/sdb1");
        fake.Partition("sda", "sda1", "8:1");
        fake.Partition("sdb", "sdb1", "8:17");

        Assert.Equal("/dev/sdb", fake.Locator.FindDiskBacking("/srv/my data/images", "Path=/srv/my data/images"));
        Assert.Equal("/dev/sda", fake.Locator.FindDiskBacking("/srv/my datax", "Path=/srv/my datax"));
    }

    [Fact]
    public void FindAutoDisk_RealSystem_DiskOrOneLineError()
    {
        // Whatever this machine is (a partitioned disk, a whole-disk file system, an overlay), the answer
        // is a /dev node or a one-line SysUpdateException, never a crash.
        try
        {
            Assert.StartsWith("/dev/", new BlockDeviceLocator().FindAutoDisk(), StringComparison.Ordinal);
        }
        catch (SysUpdateException e)
        {
            Assert.Contains("Path=auto", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
            Assert.Contains(e.Errno, new[] { Errno.ENOTBLK, Errno.EINVAL, Errno.ENODEV });
        }
    }

    [Fact]
    public void IsBlockDevice_ImageFileAndMissingPath_False()
    {
        string file = Path.Combine(_dir, "f.img");
        File.WriteAllBytes(file, new byte[4096]);

        Assert.False(BlockDeviceLocator.IsBlockDevice(file));
        Assert.False(BlockDeviceLocator.IsBlockDevice(Path.Combine(_dir, "missing")));
    }

    [Theory]
    [InlineData("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue", "98:0", "/mnt2", "ext3", "/dev/root")]
    [InlineData("27 1 254:0 / / rw,relatime - ext4 /dev/vda rw", "254:0", "/", "ext4", "/dev/vda")]
    [InlineData("40 27 0:40 / /a\\040b\\134c rw shared:5 master:2 - tmpfs my\\040src rw", "0:40", "/a b\\c", "tmpfs", "my src")]
    public void MountInfoEntry_Parse_Fields(string line, string device, string mountPoint, string fsType, string source) =>
        Assert.Equal(new MountInfoEntry(device, mountPoint, fsType, source), MountInfoEntry.Parse(line));

    [Theory]
    [InlineData("")]
    [InlineData("1 2 3:4 / /x rw")]
    [InlineData("1 2 3:4 / /x rw - ext4")]
    public void MountInfoEntry_Parse_Malformed_Null(string line) => Assert.Null(MountInfoEntry.Parse(line));
}
