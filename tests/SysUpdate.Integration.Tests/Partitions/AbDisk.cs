using System.IO.Compression;
using System.Security.Cryptography;
using SysUpdate.Core.Disk;
using SysUpdate.Core.Faults;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>
/// A GPT disk laid out like the product's A/B example, with the definitions and source folder that update
/// it: partition 1 an ESP full of random bytes that must never change, 2 and 3 the usr slots
/// (<c>usr-x86-64</c>, 2 MiB, label <c>_empty</c>), 4 and 5 the verity slots (<c>usr-x86-64-verity</c>, 1 MiB).
/// Transfers: <c>10-usr.transfer</c> (<c>usr-@v.raw</c> → <c>usr_@v</c>, <c>ReadOnly=yes</c>) and
/// <c>20-verity.transfer</c> (<c>usr-@v.verity.raw</c> → <c>usr_@v_verity</c>).
/// The disk is an image file made by <see cref="GptImageBuilder"/>, optionally attached to a loop device.
/// </summary>
internal sealed class AbDisk : IDisposable
{
    public const long MiB = 1024 * 1024;
    public const long ImageSize = 9 * MiB;
    public const long UsrSlotSize = 2 * MiB;
    public const long VeritySlotSize = 1 * MiB;
    public const int Esp = 1, UsrA = 2, UsrB = 3, VerityA = 4, VerityB = 5;

    /// <summary>The usr slots start with the grow-file-system bit; installing adds read-only (bit 60) and must keep it.</summary>
    public const ulong UsrSlotAttributes = GptPartitionTypes.FlagGrowFileSystem;
    public const ulong InstalledUsrAttributes = GptPartitionTypes.FlagGrowFileSystem | GptPartitionTypes.FlagReadOnly;
    public const ulong EspAttributes = GptPartitionTypes.FlagRequiredPartition | GptPartitionTypes.FlagNoAuto;

    public static readonly Guid UsrType = Resolve("usr-x86-64");
    public static readonly Guid VerityType = Resolve("usr-x86-64-verity");

    private readonly TempDirectory _tmp = new("sysupdate-part-");
    private readonly List<IDisposable> _owned = [];
    private readonly string? _espSha256;

    /// <param name="imageDirectory">Where the image file goes (a small file system for ENOSPC tests); a temporary directory by default.</param>
    public AbDisk(int sectorSize, IReadOnlyList<GptPartitionSpec>? layout = null, string? imageDirectory = null)
    {
        SectorSize = sectorSize;
        Image = imageDirectory is null ? _tmp.Combine("disk.img") : Path.Combine(imageDirectory, "disk.img");
        Definitions = _tmp.Dir("definitions");
        Source = _tmp.Dir("source");
        Layout = GptImageBuilder.Create(Image, ImageSize, layout ?? DefaultLayout(), sectorSize);
        DiskPath = Image;
        if (Layout.FirstOrDefault(p => p.Type == GptPartitionTypes.Esp) is { } esp)
        {
            using var stream = new FileStream(Image, FileMode.Open, FileAccess.Write);
            stream.Position = esp.StartBytes;
            stream.Write(RandomNumberGenerator.GetBytes(checked((int)esp.SizeBytes)));
            stream.Flush();
            _espSha256 = Convert.ToHexStringLower(SHA256.HashData(ReadImage(esp)));
        }
        WriteTransfers();
    }

    public int SectorSize { get; }

    /// <summary>The image file.</summary>
    public string Image { get; }

    /// <summary>What the transfers' <c>Path=</c> names: the image, or the loop device it is attached to.</summary>
    public string DiskPath { get; private set; }

    /// <summary>The loop device when attached, else null.</summary>
    public LoopDevice? Loop { get; private set; }

    public string Definitions { get; }

    public string Source { get; }

    public IReadOnlyList<GptPartition> Layout { get; }

    public SysUpdateProcess Sysupdate { get; } = new();

    public static IReadOnlyList<GptPartitionSpec> DefaultLayout() =>
    [
        new(GptPartitionTypes.Esp, "esp", 1 * MiB) { Attributes = EspAttributes },
        new(UsrType, "_empty", UsrSlotSize) { Attributes = UsrSlotAttributes },
        new(UsrType, "_empty", UsrSlotSize) { Attributes = UsrSlotAttributes },
        new(VerityType, "_empty", VeritySlotSize),
        new(VerityType, "_empty", VeritySlotSize),
    ];

    public static Guid Resolve(string name) =>
        GptPartitionTypes.TryResolve(name, out var type) ? type : throw new InvalidOperationException($"unknown partition type {name}");

    /// <summary>Attaches the image to a loop device with this disk's sector size; the transfers then name the device.</summary>
    public void AttachLoop()
    {
        Loop = LoopDevice.Attach(Image, SectorSize);
        _owned.Add(Loop);
        DiskPath = Loop.Path;
        WriteTransfers();
    }

    /// <summary>(Re)writes both transfers; <paramref name="usrPattern"/> and <paramref name="usrSourceSuffix"/> vary the usr one.</summary>
    public void WriteTransfers(string usrPattern = "usr_@v", string usrSourceSuffix = ".raw")
    {
        File.WriteAllText(Path.Combine(Definitions, "10-usr.transfer"), $"""
            [Source]
            Type=regular-file
            Path={Source}
            MatchPattern=usr-@v{usrSourceSuffix}

            [Target]
            Type=partition
            Path={DiskPath}
            MatchPattern={usrPattern}
            MatchPartitionType=usr-x86-64
            ReadOnly=yes
            """);
        File.WriteAllText(Path.Combine(Definitions, "20-verity.transfer"), $"""
            [Source]
            Type=regular-file
            Path={Source}
            MatchPattern=usr-@v.verity.raw

            [Target]
            Type=partition
            Path={DiskPath}
            MatchPattern=usr_@v_verity
            MatchPartitionType=usr-x86-64-verity
            """);
    }

    /// <summary>Publishes a version with random payloads that fill the slots exactly (or <paramref name="usrSize"/>
    /// bytes of usr image); <paramref name="gzip"/> publishes the usr image as <c>usr-@v.raw.gz</c>.</summary>
    public Release Publish(string version, long usrSize = UsrSlotSize, bool gzip = false)
    {
        var release = new Release(version, RandomNumberGenerator.GetBytes(checked((int)usrSize)), RandomNumberGenerator.GetBytes((int)VeritySlotSize));
        if (gzip)
        {
            using var file = File.Create(Path.Combine(Source, $"usr-{version}.raw.gz"));
            using var compressor = new GZipStream(file, CompressionLevel.Fastest);
            compressor.Write(release.Usr);
        }
        else
        {
            File.WriteAllBytes(Path.Combine(Source, $"usr-{version}.raw"), release.Usr);
        }
        File.WriteAllBytes(Path.Combine(Source, $"usr-{version}.verity.raw"), release.Verity);
        return release;
    }

    /// <summary>Runs <c>sysupdate --definitions=… ARGS</c>.</summary>
    public Task<ProcessResult> RunAsync(params string[] args) => Sysupdate.RunAsync(["--definitions=" + Definitions, .. args]);

    /// <summary>Runs <c>--definitions=… ARGS</c> in the test-only <see cref="CrashHost"/>, which SIGKILLs
    /// itself at the first of <paramref name="steps"/> it reaches.</summary>
    public Task<ProcessResult> RunCrashingAtAsync(IEnumerable<CrashStep> steps, params string[] args) =>
        CrashHost.RunCrashingAtAsync(steps, ["--definitions=" + Definitions, .. args]);

    /// <summary>Our reader on the disk (read-only open).</summary>
    public GptDisk Open() => GptDisk.Open(DiskPath, writable: false);

    public byte[] ReadSlot(GptPartition partition)
    {
        var bytes = new byte[partition.SizeBytes];
        using var stream = new FileStream(DiskPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
        stream.Position = partition.StartBytes;
        stream.ReadExactly(bytes);
        return bytes;
    }

    public string SlotSha256(GptPartition partition) => Convert.ToHexStringLower(SHA256.HashData(ReadSlot(partition)));

    /// <summary>SHA-256 of the whole image file.</summary>
    public string ImageSha256()
    {
        using var stream = File.OpenRead(Image);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Asserts slot <paramref name="number"/> has this type and label and, if given, holds exactly these bytes.</summary>
    public void AssertSlot(GptDisk disk, int number, Guid type, string label, byte[]? content, string because)
    {
        var p = disk.FindPartition(number) ?? throw new InvalidOperationException($"no partition {number}");
        Assert.True(p.Name == label && p.Type == type,
            $"{because}: partition {number} is '{p.Name}' type {p.Type}, expected '{label}' type {type}");
        if (content is not null)
        {
            Assert.True(content.LongLength == p.SizeBytes, $"{because}: payload of {content.Length} bytes for a slot of {p.SizeBytes}");
            Assert.True(Convert.ToHexStringLower(SHA256.HashData(content)) == SlotSha256(p),
                $"{because}: partition {number} ('{p.Name}') bytes differ from the expected payload");
        }
    }

    /// <summary>Asserts the usr and verity slot pair of <paramref name="release"/> is fully installed in slots
    /// <paramref name="usr"/>/<paramref name="verity"/>.</summary>
    public void AssertInstalled(GptDisk disk, Release release, int usr, int verity, string because)
    {
        AssertSlot(disk, usr, UsrType, release.UsrLabel, release.Usr, because);
        AssertSlot(disk, verity, VerityType, release.VerityLabel, release.Verity, because);
        Assert.Equal(InstalledUsrAttributes, disk.FindPartition(usr)!.Attributes);
    }

    /// <summary>Asserts the ESP entry is as laid out and its bytes are unchanged.</summary>
    public void AssertEspUntouched(GptDisk disk, string because)
    {
        var laid = Layout.Single(p => p.Type == GptPartitionTypes.Esp);
        var now = disk.FindPartition(laid.Number)!;
        Assert.True(now with { DeviceNode = null } == laid with { DeviceNode = null }, $"{because}: ESP entry changed: {now} vs {laid}");
        Assert.True(Convert.ToHexStringLower(SHA256.HashData(ReadImage(laid))) == _espSha256, $"{because}: ESP bytes changed");
    }

    /// <summary>
    /// Checks the table as sfdisk sees it: <c>--verify</c> clean and <c>--json</c> agreeing with our reader.
    /// sfdisk (util-linux 2.38) reads 4096-byte-sector image files only through a loop device with that
    /// sector size; without root/loop devices that case checks our reader alone and says so.
    /// </summary>
    public void AssertTablesAgree(string because, Action<string>? note = null)
    {
        using var disk = Open();
        Assert.True(disk.RecoveryMessage is null, $"{because}: {disk.RecoveryMessage}");
        if (Loop is not null || SectorSize == 512)
        {
            Sfdisk.AssertVerifyClean(DiskPath, because);
            Sfdisk.AssertAgrees(DiskPath, disk, because);
            return;
        }
        if (DiskTools.LoopUnavailableReason is { } reason)
        {
            note?.Invoke($"{because}: sfdisk not compared ({SectorSize}-byte sectors in an image file need a loop device: {reason})");
            return;
        }
        using var loop = LoopDevice.Attach(Image, SectorSize, readOnly: true);
        Sfdisk.AssertVerifyClean(loop.Path, because);
        Sfdisk.AssertAgrees(loop.Path, disk, because);
    }

    private byte[] ReadImage(GptPartition partition)
    {
        var bytes = new byte[partition.SizeBytes];
        using var stream = new FileStream(Image, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Position = partition.StartBytes;
        stream.ReadExactly(bytes);
        return bytes;
    }

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
            _owned[i].Dispose();
        _tmp.Dispose();
    }
}
