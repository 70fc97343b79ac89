using SysUpdate.Core.Disk;

namespace SysUpdate.Core.Tests.Disk;

public sealed class GptImageBuilderTests : IDisposable
{
    private static readonly Guid DiskId = Guid.Parse("d5c1e2a0-47b6-4c55-9d3e-1c2b3a4d5e6f");

    private readonly string _dir = DiskTestSupport.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static GptPartitionSpec[] Specs() =>
    [
        new(GptPartitionTypes.Esp, "ESP", 2 << 20) { Uuid = Guid.Parse("00000000-0000-4000-8000-00000000000a"), Attributes = GptPartitionTypes.FlagRequiredPartition },
        new(GptPartitionTypes.LinuxGeneric, "payload_1.0", 3 << 20) { Attributes = GptPartitionTypes.FlagNoAuto | GptPartitionTypes.FlagReadOnly },
        new(GptPartitionTypes.LinuxGeneric, "_empty", 3 << 20),
        new(GptPartitionTypes.Home, "home ☃", 1 << 20) { Attributes = GptPartitionTypes.FlagGrowFileSystem },
    ];

    private static void AssertSfdiskSees(string target, IReadOnlyList<GptPartition> laidOut, int sectorSize)
    {
        (int exit, string output) = DiskTestSupport.SfdiskVerify(target);
        Assert.True(exit == 0, output);
        Assert.Contains("No errors detected", output, StringComparison.Ordinal);
        SfdiskTable table = DiskTestSupport.SfdiskJson(target);
        Assert.Equal(DiskId, table.Id);
        Assert.Equal(sectorSize, table.SectorSize);
        Assert.Equal(laidOut.Count, table.Partitions.Count);
        for (int i = 0; i < laidOut.Count; i++)
        {
            Assert.Equal(laidOut[i].Type, table.Partitions[i].Type);
            Assert.Equal(laidOut[i].Uuid, table.Partitions[i].Uuid);
            Assert.Equal(laidOut[i].Name, table.Partitions[i].Name);
            Assert.Equal(laidOut[i].Attributes, table.Partitions[i].Attributes);
            Assert.Equal(laidOut[i].FirstLba, table.Partitions[i].Start);
            Assert.Equal(laidOut[i].LastLba - laidOut[i].FirstLba + 1, table.Partitions[i].Size);
            Assert.Equal(0, laidOut[i].StartBytes % GptImageBuilder.Alignment);
        }
    }

    [SfdiskFact]
    public void Create_512_SfdiskVerifiesAndAgrees()
    {
        string image = Path.Combine(_dir, "b512.img");

        IReadOnlyList<GptPartition> laidOut = GptImageBuilder.Create(image, 16 << 20, Specs(), diskGuid: DiskId);

        AssertSfdiskSees(image, laidOut, 512);
        using GptDisk disk = GptDisk.Open(image, writable: false);
        Assert.Equal(laidOut, disk.Partitions);
    }

    [SfdiskFact]
    public void Create_EntrySize256_SfdiskVerifiesAndWriterKeepsItValid()
    {
        string image = Path.Combine(_dir, "b256.img");
        IReadOnlyList<GptPartition> laidOut = GptImageBuilder.Create(image, 16 << 20, Specs(), diskGuid: DiskId, entrySize: 256);
        AssertSfdiskSees(image, laidOut, 512);

        using (GptDisk disk = GptDisk.Open(image, writable: true))
        {
            Assert.Equal(256, disk.EntrySize);
            disk.UpdatePartition(3, p => p with { Name = "payload_2.0", Type = GptPartitionTypes.DerivePendingType(p.Type) });
        }

        SfdiskTable after = DiskTestSupport.SfdiskJson(image);
        Assert.Equal("payload_2.0", after.Partitions[2].Name);
        Assert.Equal(GptPartitionTypes.DerivePendingType(GptPartitionTypes.LinuxGeneric), after.Partitions[2].Type);
        Assert.Equal(0, DiskTestSupport.SfdiskVerify(image).ExitCode);
    }

    [Fact]
    public void Create_4096_ReaderFindsSectorSizeAndRoundTrips()
    {
        string image = Path.Combine(_dir, "b4k.img");
        IReadOnlyList<GptPartition> laidOut = GptImageBuilder.Create(image, 32 << 20, Specs(), sectorSize: 4096, diskGuid: DiskId);

        using (GptDisk disk = GptDisk.Open(image, writable: true))
        {
            Assert.Equal(4096, disk.SectorSize);
            Assert.Equal(DiskId, disk.DiskGuid);
            Assert.Equal(laidOut, disk.Partitions);
            Assert.Equal(laidOut[1].SizeBytes, disk.Partitions[1].SizeBytes);
            disk.UpdatePartition(2, p => p with { Name = "payload_1.1", Uuid = DiskId });
        }

        using GptDisk reopened = GptDisk.Open(image, writable: false);
        Assert.Equal(laidOut[1] with { Name = "payload_1.1", Uuid = DiskId }, reopened.Partitions[1]);
        Assert.Equal(laidOut[2], reopened.Partitions[2]);
    }

    [LoopFact]
    [Trait("Category", "Privileged")]
    public void Create_4096_SfdiskOnLoopDeviceVerifies()
    {
        string image = Path.Combine(_dir, "b4kloop.img");
        IReadOnlyList<GptPartition> laidOut = GptImageBuilder.Create(image, 32 << 20, Specs(), sectorSize: 4096, diskGuid: DiskId);
        string loop = DiskTestSupport.AttachLoop(image, 4096);
        try
        {
            AssertSfdiskSees(loop, laidOut, 4096);
        }
        finally
        {
            DiskTestSupport.DetachLoop(loop);
        }
    }

    [Fact]
    public void Create_PartitionsTooLarge_Throws()
    {
        string image = Path.Combine(_dir, "small.img");
        Assert.Throws<ArgumentException>(() => GptImageBuilder.Create(image, 4 << 20, [new(GptPartitionTypes.LinuxGeneric, "big", 8 << 20)]));
        Assert.Throws<ArgumentException>(() => GptImageBuilder.Create(image, 4 << 20, [new(GptPartitionTypes.LinuxGeneric, new string('n', 37), 1 << 20)]));
    }

    [Fact]
    public void Open_HeaderClaimsHugeEntryCount_RejectedBeforeAllocating()
    {
        string image = Path.Combine(_dir, "huge.img");
        GptImageBuilder.Create(image, 8 << 20, [new(GptPartitionTypes.LinuxGeneric, "a", 1 << 20)]);
        PatchBothHeaders(image, 512, header =>
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(80), 0x10000000); // NumberOfPartitionEntries
        });

        var ex = Assert.Throws<GptFormatException>(() => GptDisk.Open(image, writable: false));
        Assert.Contains("entry count", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_EntrySizeNotMultipleOf128_Rejected()
    {
        string image = Path.Combine(_dir, "odd.img");
        GptImageBuilder.Create(image, 8 << 20, [new(GptPartitionTypes.LinuxGeneric, "a", 1 << 20)]);
        PatchBothHeaders(image, 512, header =>
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(84), 136); // SizeOfPartitionEntry
        });

        var ex = Assert.Throws<GptFormatException>(() => GptDisk.Open(image, writable: false));
        Assert.Contains("entry size", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Edits both headers and re-stamps their CRCs, so only the semantic check can reject them.</summary>
    private static void PatchBothHeaders(string image, int sectorSize, Action<byte[]> patch)
    {
        long length = new FileInfo(image).Length;
        foreach (long offset in new[] { (long)sectorSize, length - sectorSize })
        {
            byte[] header = new byte[92];
            using FileStream stream = new(image, FileMode.Open, FileAccess.ReadWrite);
            stream.Position = offset;
            stream.ReadExactly(header);
            patch(header);
            header.AsSpan(16, 4).Clear();
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), System.IO.Hashing.Crc32.HashToUInt32(header));
            stream.Position = offset;
            stream.Write(header);
        }
    }
}
