using SysUpdate.Core.Disk;

namespace SysUpdate.Core.Tests.Disk;

public sealed class GptDiskTests : IDisposable
{
    private const string RootX86_64 = "4f68bce3-e8cd-4db1-96e7-fbcaf984b709";
    private const string LinuxGeneric = "0fc63daf-8483-4772-8e79-3d69d8477de4";
    private const string Esp = "c12a7328-f81f-11d2-ba4b-00a0c93ec93b";

    private static readonly string Script =
        "label: gpt\n" +
        "label-id: 6C2F2D7C-3E5B-4C3A-9A0E-6F0D8A2B5E11\n" +
        $"p1 : size=4MiB, type={Esp}, uuid=0A0B0C0D-0000-4000-8000-000000000001, name=\"ESP\", attrs=\"RequiredPartition LegacyBIOSBootable\"\n" +
        $"p2 : size=8MiB, type={RootX86_64}, uuid=0A0B0C0D-0000-4000-8000-000000000002, name=\"root_1.0 ü ☃\", attrs=\"GUID:59,60,63\"\n" +
        $"p3 : size=8MiB, type={LinuxGeneric}, uuid=0A0B0C0D-0000-4000-8000-000000000003, name=\"_empty\"\n" +
        $"p4 : size=2MiB, type={LinuxGeneric}, uuid=0A0B0C0D-0000-4000-8000-000000000004, name=\"abcdefghijklmnopqrstuvwxyz0123456789\"\n";

    private readonly string _dir = DiskTestSupport.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string MakeSfdiskImage(string name = "disk.img", long size = 64L << 20)
    {
        string path = Path.Combine(_dir, name);
        using (var f = File.Create(path))
        {
            f.SetLength(size);
        }

        DiskTestSupport.SfdiskWrite(path, Script);
        return path;
    }

    private static void AssertMatchesSfdisk(GptDisk disk, string target)
    {
        SfdiskTable table = DiskTestSupport.SfdiskJson(target);
        Assert.Equal(table.SectorSize, disk.SectorSize);
        Assert.Equal(table.Id, disk.DiskGuid);
        Assert.Equal(table.FirstLba, disk.FirstUsableLba);
        Assert.Equal(table.LastLba, disk.LastUsableLba);
        Assert.Equal(table.Partitions.Count, disk.Partitions.Count);
        for (int i = 0; i < table.Partitions.Count; i++)
        {
            SfdiskPartition expected = table.Partitions[i];
            GptPartition actual = disk.Partitions[i];
            Assert.EndsWith(actual.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), expected.Node, StringComparison.Ordinal);
            Assert.Equal(expected.Type, actual.Type);
            Assert.Equal(expected.Uuid, actual.Uuid);
            Assert.Equal(expected.Name, actual.Name);
            Assert.Equal(expected.Attributes, actual.Attributes);
            Assert.Equal(expected.Start, actual.FirstLba);
            Assert.Equal(expected.Size, actual.LastLba - actual.FirstLba + 1);
            Assert.Equal((long)expected.Start * disk.SectorSize, actual.StartBytes);
            Assert.Equal((long)expected.Size * disk.SectorSize, actual.SizeBytes);
        }
    }

    [SfdiskFact]
    public void Open_SfdiskImage512_MatchesSfdiskJson()
    {
        string image = MakeSfdiskImage();

        using GptDisk disk = GptDisk.Open(image, writable: false);

        Assert.False(disk.IsBlockDevice);
        Assert.Equal(512, disk.SectorSize);
        Assert.False(disk.RecoveredFromBackup);
        Assert.False(disk.BackupCorrupt);
        Assert.Null(disk.RecoveryMessage);
        Assert.Equal(4, disk.Partitions.Count);
        Assert.Equal("root_1.0 ü ☃", disk.Partitions[1].Name);
        Assert.Equal(36, disk.Partitions[3].Name.Length);
        Assert.All(disk.Partitions, p => Assert.Null(p.DeviceNode));
        AssertMatchesSfdisk(disk, image);
    }

    [SfdiskFact]
    public void UpdatePartition_ChangeTypeUuidNameAttrs_SfdiskAgreesAndVerifies()
    {
        string image = MakeSfdiskImage();
        Guid newUuid = Guid.Parse("12345678-9abc-4def-8123-456789abcdef");
        Guid partial = GptPartitionTypes.DerivePartialType(Guid.Parse(LinuxGeneric));

        using (GptDisk disk = GptDisk.Open(image, writable: true))
        {
            GptPartition written = disk.UpdatePartition(3, p => p with
            {
                Type = partial,
                Uuid = newUuid,
                Name = "usr_2.0",
                Attributes = GptPartitionTypes.FlagNoAuto | GptPartitionTypes.FlagGrowFileSystem | 1,
            });
            Assert.Equal("usr_2.0", written.Name);
            Assert.Null(disk.KernelTableReread);
            Assert.Equal("usr_2.0", disk.FindPartition(3)!.Name);
        }

        (int verifyExit, string verifyOutput) = DiskTestSupport.SfdiskVerify(image);
        Assert.True(verifyExit == 0, verifyOutput);
        Assert.Contains("No errors detected", verifyOutput, StringComparison.Ordinal);

        SfdiskPartition p3 = DiskTestSupport.SfdiskJson(image).Partitions[2];
        Assert.Equal(partial, p3.Type);
        Assert.Equal(newUuid, p3.Uuid);
        Assert.Equal("usr_2.0", p3.Name);
        Assert.Equal(GptPartitionTypes.FlagNoAuto | GptPartitionTypes.FlagGrowFileSystem | 1, p3.Attributes);

        using GptDisk reopened = GptDisk.Open(image, writable: false);
        AssertMatchesSfdisk(reopened, image);
    }

    [SfdiskFact]
    public void UpdatePartition_ThenSfdiskDump_OtherEntriesUnchanged()
    {
        string image = MakeSfdiskImage();
        SfdiskTable before = DiskTestSupport.SfdiskJson(image);

        using (GptDisk disk = GptDisk.Open(image, writable: true))
        {
            disk.UpdatePartition(2, p => p with { Name = "root_1.1" });
        }

        SfdiskTable after = DiskTestSupport.SfdiskJson(image);
        Assert.Equal(before.Partitions[0], after.Partitions[0]);
        Assert.Equal(before.Partitions[2], after.Partitions[2]);
        Assert.Equal(before.Partitions[3], after.Partitions[3]);
        Assert.Equal(before.Partitions[1] with { Name = "root_1.1" }, after.Partitions[1]);
    }

    [SfdiskFact]
    public void UpdatePartition_StoppedBetweenTableWrites_PrimaryOldBackupNew()
    {
        string image = MakeSfdiskImage();
        int calls = 0;
        using (GptDisk disk = GptDisk.Open(image, writable: true))
        {
            Assert.Throws<InvalidOperationException>(() => disk.UpdatePartition(2, p => p with { Name = "root_1.1" }, () =>
            {
                calls++;
                throw new InvalidOperationException("stopped between the table writes");
            }));
        }
        Assert.Equal(1, calls);

        int sectorSize;
        using (GptDisk primary = GptDisk.Open(image, writable: false))
        {
            Assert.False(primary.RecoveredFromBackup);
            Assert.Equal("root_1.0 ü ☃", primary.FindPartition(2)!.Name);
            sectorSize = primary.SectorSize;
        }

        // Spoil the primary header's disk GUID (its CRC no longer matches) so the reader falls back to the backup.
        DiskTestSupport.FlipByte(image, sectorSize + 0x38);
        using GptDisk backup = GptDisk.Open(image, writable: false);
        Assert.True(backup.RecoveredFromBackup);
        Assert.Equal("root_1.1", backup.FindPartition(2)!.Name);
    }

    [SfdiskFact]
    public void Open_PrimaryHeaderCorrupt_RecoversFromBackupAndWriteRepairs()
    {
        string image = MakeSfdiskImage();
        SfdiskTable original = DiskTestSupport.SfdiskJson(image);
        DiskTestSupport.FlipByte(image, 512 + 40); // FirstUsableLBA of the primary header: CRC no longer matches

        using (GptDisk disk = GptDisk.Open(image, writable: true))
        {
            Assert.True(disk.RecoveredFromBackup);
            Assert.NotNull(disk.RecoveryMessage);
            Assert.Contains(image, disk.RecoveryMessage, StringComparison.Ordinal);
            Assert.Equal(original.Partitions.Count, disk.Partitions.Count);
            Assert.Equal(original.Partitions[1].Name, disk.Partitions[1].Name);
            disk.UpdatePartition(3, p => p with { Name = "repaired" });
        }

        (int verifyExit, string verifyOutput) = DiskTestSupport.SfdiskVerify(image);
        Assert.True(verifyExit == 0, verifyOutput);
        Assert.DoesNotContain("corrupt", verifyOutput, StringComparison.OrdinalIgnoreCase);
        using GptDisk reopened = GptDisk.Open(image, writable: false);
        Assert.False(reopened.RecoveredFromBackup);
        Assert.False(reopened.BackupCorrupt);
        Assert.Equal("repaired", reopened.FindPartition(3)!.Name);
        AssertMatchesSfdisk(reopened, image);
    }

    [SfdiskFact]
    public void Open_PrimaryEntryArrayCorrupt_RecoversFromBackup()
    {
        string image = MakeSfdiskImage();
        DiskTestSupport.FlipByte(image, (2 * 512) + 128 + 60); // a name byte of entry 2 in the primary array

        using GptDisk disk = GptDisk.Open(image, writable: false);

        Assert.True(disk.RecoveredFromBackup);
        Assert.Contains("CRC32", disk.RecoveryMessage, StringComparison.Ordinal);
        Assert.Equal("root_1.0 ü ☃", disk.Partitions[1].Name);
    }

    [SfdiskFact]
    public void Open_BackupCorrupt_ReportsAndWriteRepairs()
    {
        string image = MakeSfdiskImage();
        long length = new FileInfo(image).Length;
        DiskTestSupport.FlipByte(image, length - 512 + 24); // MyLBA of the backup header

        using (GptDisk disk = GptDisk.Open(image, writable: true))
        {
            Assert.False(disk.RecoveredFromBackup);
            Assert.True(disk.BackupCorrupt);
            disk.UpdatePartition(1, p => p with { Attributes = 0 });
        }

        using GptDisk reopened = GptDisk.Open(image, writable: false);
        Assert.False(reopened.BackupCorrupt);
        Assert.True(DiskTestSupport.SfdiskVerify(image).ExitCode == 0);
    }

    [SfdiskFact]
    public void Open_BothHeadersCorrupt_ThrowsGptFormatExceptionNamingPath()
    {
        string image = MakeSfdiskImage();
        long length = new FileInfo(image).Length;
        DiskTestSupport.FlipByte(image, 512 + 40);
        DiskTestSupport.FlipByte(image, length - 512 + 40);

        var ex = Assert.Throws<GptFormatException>(() => GptDisk.Open(image, writable: false));
        Assert.Contains(image, ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<SysUpdateException>(ex);
    }

    [Fact]
    public void Open_NoGpt_ThrowsNoGptDiskLabel()
    {
        string image = Path.Combine(_dir, "blank.img");
        File.WriteAllBytes(image, new byte[1 << 20]);

        var ex = Assert.Throws<GptFormatException>(() => GptDisk.Open(image, writable: false));
        Assert.Contains(image, ex.Message, StringComparison.Ordinal);
        Assert.Contains("no GPT disk label", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Errno.EHWPOISON, ex.Errno);
    }

    [SfdiskFact]
    public void Open_MbrLabel_ThrowsNoGptDiskLabel()
    {
        string image = Path.Combine(_dir, "dos.img");
        File.WriteAllBytes(image, new byte[8 << 20]);
        DiskTestSupport.SfdiskWrite(image, "label: dos\n, 4MiB, 83\n");

        var ex = Assert.Throws<GptFormatException>(() => GptDisk.Open(image, writable: false));
        Assert.Equal(Errno.EHWPOISON, ex.Errno);
    }

    [Fact]
    public void Open_MissingFile_ThrowsSysUpdateExceptionWithErrno()
    {
        var ex = Assert.Throws<SysUpdate.Core.Native.FileOpenException>(() => GptDisk.Open(Path.Combine(_dir, "nope.img"), writable: false));
        Assert.True(ex.IsNotFound);
        Assert.Equal(Errno.ENOENT, ex.Errno);
    }

    [SfdiskFact]
    public void UpdatePartition_Name37Units_RejectedAndImageUnchanged()
    {
        string image = MakeSfdiskImage();
        string before = DiskTestSupport.Sha256(image);

        using (GptDisk disk = GptDisk.Open(image, writable: true))
        {
            Assert.Throws<ArgumentException>(() => disk.UpdatePartition(3, p => p with { Name = new string('x', 37) }));
            Assert.Throws<ArgumentException>(() => disk.UpdatePartition(3, p => p with { Name = new string('☃', 36) + "\U0001F600" }));
            Assert.Throws<ArgumentException>(() => disk.UpdatePartition(3, p => p with { FirstLba = p.FirstLba + 1 }));
            Assert.Throws<ArgumentException>(() => disk.UpdatePartition(3, p => p with { Type = Guid.Empty }));
            Assert.Throws<ArgumentException>(() => disk.UpdatePartition(9, p => p));
        }

        Assert.Equal(before, DiskTestSupport.Sha256(image));
    }

    [SfdiskFact]
    public void UpdatePartition_Name36Units_Accepted()
    {
        string image = MakeSfdiskImage();
        string name = new string('☃', 35) + "é";

        using (GptDisk disk = GptDisk.Open(image, writable: true))
        {
            disk.UpdatePartition(3, p => p with { Name = name });
        }

        Assert.Equal(name, DiskTestSupport.SfdiskJson(image).Partitions[2].Name);
    }

    [SfdiskFact]
    public void UpdatePartition_ReadOnlyOpen_Throws()
    {
        string image = MakeSfdiskImage();
        using GptDisk disk = GptDisk.Open(image, writable: false);
        Assert.Throws<InvalidOperationException>(() => disk.UpdatePartition(1, p => p with { Name = "x" }));
    }

    [SfdiskFact]
    public void Open_SecondWritableOpen_FailsDeviceBusyButReadersWork()
    {
        string image = MakeSfdiskImage();
        using GptDisk writer = GptDisk.Open(image, writable: true);

        var ex = Assert.Throws<SysUpdateException>(() => GptDisk.Open(image, writable: true, lockTimeout: TimeSpan.FromMilliseconds(200)));
        Assert.Equal(Errno.EBUSY, ex.Errno);
        Assert.Contains(image, ex.Message, StringComparison.Ordinal);

        using GptDisk reader = GptDisk.Open(image, writable: false);
        Assert.Equal(4, reader.Partitions.Count);
    }

    [SfdiskFact]
    public void Open_LockReleasedOnDispose_SecondWriterSucceeds()
    {
        string image = MakeSfdiskImage();
        GptDisk first = GptDisk.Open(image, writable: true);
        first.Dispose();

        using GptDisk second = GptDisk.Open(image, writable: true, lockTimeout: TimeSpan.FromMilliseconds(200));
        Assert.Equal(4, second.Partitions.Count);
    }

    [Theory]
    [InlineData("/dev/sda", 1, "/dev/sda1")]
    [InlineData("/dev/vdb", 12, "/dev/vdb12")]
    [InlineData("/dev/nvme0n1", 2, "/dev/nvme0n1p2")]
    [InlineData("/dev/loop0", 1, "/dev/loop0p1")]
    [InlineData("/dev/mmcblk0", 3, "/dev/mmcblk0p3")]
    public void PartitionDeviceNode_KernelNaming(string disk, int number, string expected) =>
        Assert.Equal(expected, GptDisk.PartitionDeviceNode(disk, number));

    [LoopFact]
    [Trait("Category", "Privileged")]
    public void Open_LoopDevice4096_SectorSizeFromIoctlAndWriteVerifies()
    {
        string image = Path.Combine(_dir, "disk4k.img");
        using (var f = File.Create(image))
        {
            f.SetLength(64L << 20);
        }

        string loop = DiskTestSupport.AttachLoop(image, 4096);
        try
        {
            DiskTestSupport.SfdiskWrite(loop, Script);
            using (GptDisk disk = GptDisk.Open(loop, writable: true))
            {
                Assert.True(disk.IsBlockDevice);
                Assert.Equal(4096, disk.SectorSize);
                Assert.Equal(GptDisk.PartitionDeviceNode(loop, 2), disk.Partitions[1].DeviceNode);
                AssertMatchesSfdisk(disk, loop);
                disk.UpdatePartition(3, p => p with { Name = "usr_3", Attributes = GptPartitionTypes.FlagReadOnly });
                Assert.NotNull(disk.KernelTableReread);
            }

            Assert.True(DiskTestSupport.SfdiskVerify(loop).ExitCode == 0);
            Assert.Equal("usr_3", DiskTestSupport.SfdiskJson(loop).Partitions[2].Name);
        }
        finally
        {
            DiskTestSupport.DetachLoop(loop);
        }

        // The same bytes as a plain image file: the sector size is found from the header position.
        using GptDisk file = GptDisk.Open(image, writable: false);
        Assert.False(file.IsBlockDevice);
        Assert.Equal(4096, file.SectorSize);
        Assert.Equal("usr_3", file.FindPartition(3)!.Name);
        Assert.Equal(GptPartitionTypes.FlagReadOnly, file.FindPartition(3)!.Attributes);
    }
}
