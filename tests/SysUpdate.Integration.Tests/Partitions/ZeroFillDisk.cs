using System.Security.Cryptography;
using SysUpdate.Core.Disk;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>
/// The disk of upstream's <c>test_zero_fill</c>: two <c>_empty</c> slots of 64 sectors of one partition type,
/// with the second slot ending on the last usable LBA, so the backup partition entries and header follow it
/// directly (an overshoot of the zeroing would land in them). One transfer, <c>sig-@v.raw</c> → <c>sig-@v</c>,
/// from a <c>regular-file</c> or <c>url-file</c> (<c>file://</c>) source, with an optional <c>PartitionZeroFill=</c> line.
/// The disk is an image file, optionally attached to a loop device with the same sector size.
/// </summary>
internal sealed class ZeroFillDisk : IDisposable
{
    public const int SlotSectors = 64;
    private const int EntryArrayBytes = GptLayout.DefaultEntryCount * GptLayout.MinEntrySize;

    private readonly TempDirectory _tmp = new("sysupdate-zerofill-");
    private LoopDevice? _loop;

    public ZeroFillDisk(int sectorSize, Guid type)
    {
        SectorSize = sectorSize;
        Image = _tmp.Combine("disk.raw");
        Definitions = _tmp.Dir("definitions");
        Source = _tmp.Dir("source");
        long entrySectors = EntryArrayBytes / sectorSize;
        long align = GptImageBuilder.Alignment / sectorSize;
        long slotA = AlignUp((long)GptLayout.PrimaryEntriesLba + entrySectors, align);
        long slotB = AlignUp(slotA + SlotSectors, align);
        // The last usable LBA is the slot's last sector: backup entries, then the backup header, end the disk.
        long totalSectors = slotB + SlotSectors + entrySectors + 1;
        Layout = GptImageBuilder.Create(Image, totalSectors * sectorSize,
            [new(type, "_empty", SlotBytes), new(type, "_empty", SlotBytes)], sectorSize);
        DiskPath = Image;
    }

    public int SectorSize { get; }

    public long SlotBytes => (long)SlotSectors * SectorSize;

    public string Image { get; }

    /// <summary>The image, or the loop device it is attached to.</summary>
    public string DiskPath { get; private set; }

    public bool OnLoopDevice => _loop is not null;

    public string Definitions { get; }

    public string Source { get; }

    public IReadOnlyList<GptPartition> Layout { get; }

    public SysUpdateProcess Sysupdate { get; } = new();

    public void AttachLoop()
    {
        _loop = LoopDevice.Attach(Image, SectorSize);
        DiskPath = _loop.Path;
    }

    /// <param name="sourceType"><c>regular-file</c> or <c>url-file</c>.</param>
    /// <param name="partitionType">The <c>MatchPartitionType=</c> value.</param>
    /// <param name="setting">A <c>PartitionZeroFill=</c> line, or empty for the default.</param>
    public void WriteTransfer(string sourceType, string partitionType, string setting)
    {
        string path = sourceType == "url-file" ? "file://" + Source : Source;
        File.WriteAllText(Path.Combine(Definitions, "01-zerofill.transfer"), $"""
            [Source]
            Type={sourceType}
            Path={path}
            MatchPattern=sig-@v.raw

            [Target]
            Type=partition
            Path={DiskPath}
            MatchPattern=sig-@v
            MatchPartitionType={partitionType}
            {setting}
            """);
    }

    /// <summary>Publishes <c>sig-VERSION.raw</c>: a JSON object like a verity signature of exactly
    /// <paramref name="size"/> bytes (as upstream's test makes them), and a fresh <c>SHA256SUMS</c>.</summary>
    public byte[] Publish(string version, long size)
    {
        const int Fixed = 94; // {"rootHash":"<64 hex>","signature":""}
        Assert.True(size > Fixed, $"a payload needs more than {Fixed} bytes");
        string json = $"{{\"rootHash\":\"{new string('0', 64)}\",\"signature\":\"{new string('A', (int)size - Fixed)}\"}}";
        byte[] bytes = System.Text.Encoding.ASCII.GetBytes(json);
        Assert.Equal(size, bytes.LongLength);
        File.WriteAllBytes(Path.Combine(Source, $"sig-{version}.raw"), bytes);
        WriteManifest();
        return bytes;
    }

    private void WriteManifest()
    {
        var lines = Directory.GetFiles(Source, "sig-*.raw").Order(StringComparer.Ordinal)
            .Select(f => $"{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))}  {Path.GetFileName(f)}\n");
        File.WriteAllText(Path.Combine(Source, "SHA256SUMS"), string.Concat(lines));
    }

    public Task<ProcessResult> RunAsync(params string[] args) => Sysupdate.RunAsync(["--verify=no", "--definitions=" + Definitions, .. args]);

    public GptDisk Open() => GptDisk.Open(DiskPath, writable: false);

    /// <summary>The bytes of the partition labelled <paramref name="label"/>.</summary>
    public byte[] ReadSlot(string label)
    {
        using var disk = Open();
        var partition = disk.Partitions.SingleOrDefault(p => p.Name == label)
            ?? throw new Xunit.Sdk.XunitException($"no partition labelled {label} on {DiskPath}: {string.Join(", ", disk.Partitions.Select(p => p.Name))}");
        return Read(partition.StartBytes, partition.SizeBytes);
    }

    /// <summary>The sectors after the last slot: backup partition entries and backup header.</summary>
    public (byte[] PrimaryEntries, byte[] BackupEntries, byte[] BackupHeader) ReadTables()
    {
        long entriesBytes = EntryArrayBytes;
        long last = Layout[^1].StartBytes + Layout[^1].SizeBytes;
        return (Read((long)GptLayout.PrimaryEntriesLba * SectorSize, entriesBytes), Read(last, entriesBytes), Read(last + entriesBytes, SectorSize));
    }

    private byte[] Read(long offset, long length)
    {
        var bytes = new byte[length];
        using var stream = new FileStream(DiskPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
        stream.Position = offset;
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static long AlignUp(long value, long alignment) => (value + alignment - 1) / alignment * alignment;

    public void Dispose()
    {
        _loop?.Dispose();
        _tmp.Dispose();
    }
}
