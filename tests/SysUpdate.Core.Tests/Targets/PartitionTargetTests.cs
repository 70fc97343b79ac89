using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using SysUpdate.Core.Config;
using SysUpdate.Core.Disk;
using SysUpdate.Core.Instances;
using SysUpdate.Core.Pipeline;
using SysUpdate.Core.Planning;
using SysUpdate.Core.Sources;
using SysUpdate.Core.Targets;
using SysUpdate.Core.Tests.Disk;
using SysUpdate.Core.Tests.Manifests;
using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Tests.Targets;

/// <summary>
/// Partition targets driven through the real definitions loader, update planner, vacuum and
/// acquire/install operations, on GPT image files (and a loop device) made by <see cref="GptImageBuilder"/>,
/// cross-checked with util-linux sfdisk.
/// </summary>
public sealed class PartitionTargetTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private const long UsrSlotSize = 3 * MiB;
    private const long VeritySlotSize = 1 * MiB;

    // Layout: 1, 2 = usr slots; 3, 4 = verity slots; 5 = usr type but a foreign label; 6 = linux-generic
    // with a label the usr pattern would match. 5 and 6 must never be touched.
    private const int UsrA = 1, UsrB = 2, VerityA = 3, VerityB = 4, Foreign = 5, Generic = 6;

    private static readonly Guid UsrType = Resolve("usr-x86-64");
    private static readonly Guid VerityType = Resolve("usr-x86-64-verity");

    private readonly string _dir = DiskTestSupport.TempDirectory();
    private readonly string _defs;
    private readonly string _src;
    private readonly ListLogger _log = new();

    public PartitionTargetTests()
    {
        _defs = Directory.CreateDirectory(Path.Combine(_dir, "defs")).FullName;
        _src = Directory.CreateDirectory(Path.Combine(_dir, "src")).FullName;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SysUpdateOptions Options => new() { DefinitionsDirectory = _defs };

    private static Guid Resolve(string name) =>
        GptPartitionTypes.TryResolve(name, out Guid type) ? type : throw new InvalidOperationException(name);

    // ---- the A/B rotation --------------------------------------------------------------------------

    [Theory]
    [InlineData(512)]
    [InlineData(4096)]
    public async Task Update_FourVersions_RotateThroughSlotsAndMatchSources(int sectorSize)
    {
        string disk = MakeImage(sectorSize);
        WriteTransfers(disk);
        var expected = new Dictionary<int, (string Label, byte[] Data)>();

        for (int v = 1; v <= 4; v++)
        {
            var (usr, verity) = AddVersion(v.ToString(CultureInfo.InvariantCulture));
            await UpdateAsync();

            // v1 → A, v2 → B, v3 replaces v1 (A), v4 replaces v2 (B).
            bool slotA = v % 2 == 1;
            expected[slotA ? UsrA : UsrB] = ($"usr_{v}", usr);
            expected[slotA ? VerityA : VerityB] = ($"usr-verity_{v}", verity);
            AssertSlots(disk, expected);
            if (sectorSize == 512)
            {
                AssertSfdiskAgrees(disk);
            }
        }

        var context = await LoadAsync();
        Assert.Equal(["4", "3"], context.Transfers[0].TargetInstances.Select(i => i.Version));
        Assert.Equal(0, context.Transfers[0].EmptySlots);
        Assert.All(context.Transfers.SelectMany(t => t.TargetInstances), i => Assert.Equal(disk, i.Path));
        Assert.Equal("4", context.Plan.NewestInstalled?.Version);
    }

    [LoopFact]
    [Trait("Category", "Privileged")]
    public async Task Update_LoopDevice4096_PartitionNodesAndSfdiskAgree()
    {
        string image = MakeImage(4096);
        string loop = DiskTestSupport.AttachLoop(image, 4096);
        try
        {
            WriteTransfers(loop);
            var expected = new Dictionary<int, (string Label, byte[] Data)>();
            for (int v = 1; v <= 3; v++)
            {
                var (usr, verity) = AddVersion(v.ToString(CultureInfo.InvariantCulture));
                await UpdateAsync();
                expected[v % 2 == 1 ? UsrA : UsrB] = ($"usr_{v}", usr);
                expected[v % 2 == 1 ? VerityA : VerityB] = ($"usr-verity_{v}", verity);
                AssertSlots(loop, expected);
                AssertSfdiskAgrees(loop);
            }

            var context = await LoadAsync();
            Assert.Equal(
                [GptDisk.PartitionDeviceNode(loop, UsrA), GptDisk.PartitionDeviceNode(loop, UsrB)],
                context.Transfers[0].TargetInstances.Select(i => i.Path));
        }
        finally
        {
            DiskTestSupport.DetachLoop(loop);
        }
    }

    [SfdiskFact]
    public async Task Update_GzipSource_WritesDecodedBytes()
    {
        string disk = MakeImage(512);
        WriteTransfers(disk, usrSourcePattern: "usr_@v.raw.gz");
        byte[] usr = RandomBytes(2 * MiB + 777, seed: 7);
        using (var file = File.Create(Path.Combine(_src, "usr_1.raw.gz")))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        {
            gzip.Write(usr);
        }

        byte[] verity = RandomBytes(100_000, seed: 8);
        File.WriteAllBytes(Path.Combine(_src, "usr_1.verity"), verity);

        await UpdateAsync();

        AssertSlots(disk, new() { [UsrA] = ("usr_1", usr), [VerityA] = ("usr-verity_1", verity) });
        AssertSfdiskAgrees(disk);
    }

    // ---- refusals that must not change anything ------------------------------------------------------

    [Fact]
    public async Task Acquire_PayloadLargerThanEverySlot_EnospcAndImageUnchanged()
    {
        string disk = MakeImage(512);
        WriteTransfers(disk);
        AddVersion("1", usrSize: UsrSlotSize + 1);
        string before = DiskTestSupport.Sha256(disk);

        var context = await LoadAsync();
        var error = await Assert.ThrowsAnyAsync<SysUpdateException>(() => new UpdateOperations(context).AcquireAsync(null));

        Assert.Equal(Errno.ENOSPC, error.Errno);
        Assert.Contains(disk, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, DiskTestSupport.Sha256(disk));
    }

    [Fact]
    public async Task Acquire_SizeFromPatternLargerThanSlots_EnospcAndImageUnchanged()
    {
        // @s announces the uncompressed size, so a compressed payload is refused before it is written.
        string disk = MakeImage(512);
        WriteTransfers(disk, usrSourcePattern: "usr_@v_@s.raw.gz", usrTargetPattern: "usr_@v");
        using (var file = File.Create(Path.Combine(_src, $"usr_1_{UsrSlotSize * 2}.raw.gz")))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        {
            gzip.Write(new byte[1000]);
        }

        File.WriteAllBytes(Path.Combine(_src, "usr_1.verity"), RandomBytes(1000, seed: 1));
        string before = DiskTestSupport.Sha256(disk);

        var context = await LoadAsync();
        var error = await Assert.ThrowsAnyAsync<SysUpdateException>(() => new UpdateOperations(context).AcquireAsync(null));

        Assert.Equal(Errno.ENOSPC, error.Errno);
        Assert.Equal(before, DiskTestSupport.Sha256(disk));
    }

    [Fact]
    public async Task Acquire_SmallestFittingSlotChosen()
    {
        // Three free usr slots of 3, 2 and 2 MiB: a 1.5 MiB payload goes to the first 2 MiB one.
        string disk = Path.Combine(_dir, "sizes.img");
        GptImageBuilder.Create(disk, 16 * MiB,
        [
            new GptPartitionSpec(UsrType, "_empty", 3 * MiB),
            new GptPartitionSpec(UsrType, "_empty", 2 * MiB),
            new GptPartitionSpec(UsrType, "_empty", 2 * MiB),
            new GptPartitionSpec(VerityType, "_empty", MiB),
            new GptPartitionSpec(VerityType, "_empty", MiB),
        ]);
        WriteTransfers(disk);
        var (usr, verity) = AddVersion("1", usrSize: (3 * MiB) / 2);

        await UpdateAsync();

        using var gpt = GptDisk.Open(disk, writable: false);
        Assert.Equal(["_empty", "usr_1", "_empty", "usr-verity_1", "_empty"], gpt.Partitions.Select(p => p.Name));
        Assert.Equal(Sha256Hex(usr), Sha256Hex(ReadAt(disk, gpt.FindPartition(2)!.StartBytes, usr.Length)));
        Assert.Equal(Sha256Hex(verity), Sha256Hex(ReadAt(disk, gpt.FindPartition(4)!.StartBytes, verity.Length)));
    }

    [Fact]
    public async Task Update_LabelLongerThan36_RefusedBeforeVacuum()
    {
        string disk = MakeImage(512);
        WriteTransfers(disk);
        AddVersion("1");
        await UpdateAsync();
        AddVersion("2");
        await UpdateAsync();
        string longVersion = "3" + new string('0', 36); // "usr_" + 37 characters
        AddVersion(longVersion);
        string before = DiskTestSupport.Sha256(disk);

        var context = await LoadAsync();
        var error = await Assert.ThrowsAnyAsync<SysUpdateException>(() => new UpdateOperations(context).AcquireAsync(null));

        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("usr_" + longVersion, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, DiskTestSupport.Sha256(disk));
    }

    [Fact]
    public async Task Discover_NoGpt_ErrorNamesDisk()
    {
        string disk = Path.Combine(_dir, "blank.img");
        File.WriteAllBytes(disk, new byte[4 * MiB]);
        WriteTransfers(disk);

        var error = await Assert.ThrowsAsync<GptFormatException>(() => LoadAsync());

        Assert.Contains(disk, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task Update_OneSlotOnly_RefusesWithEnospc()
    {
        string disk = Path.Combine(_dir, "one.img");
        GptImageBuilder.Create(disk, 8 * MiB,
        [
            new GptPartitionSpec(UsrType, "_empty", 3 * MiB),
            new GptPartitionSpec(VerityType, "_empty", MiB),
            new GptPartitionSpec(VerityType, "_empty", MiB),
        ]);
        WriteTransfers(disk);
        AddVersion("1");
        string before = DiskTestSupport.Sha256(disk);

        var context = await LoadAsync();
        var error = await Assert.ThrowsAnyAsync<SysUpdateException>(() => new UpdateOperations(context).AcquireAsync(null));

        Assert.Equal(Errno.ENOSPC, error.Errno);
        Assert.Contains("less than two partition slots", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, DiskTestSupport.Sha256(disk));
    }

    // ---- GPT settings ---------------------------------------------------------------------------------

    [SfdiskFact]
    public async Task Update_PartitionSettings_WrittenOnlyWhereTheTypeDefinesThem()
    {
        var usrUuid = new Guid("6b1f3c0e-2a5d-4f7e-9c11-0a1b2c3d4e5f");
        string disk = Path.Combine(_dir, "flags.img");
        const ulong Preset = GptPartitionTypes.FlagReadOnly | GptPartitionTypes.FlagLegacyBiosBootable;
        GptImageBuilder.Create(disk, 12 * MiB,
        [
            new GptPartitionSpec(UsrType, "_empty", UsrSlotSize),
            new GptPartitionSpec(UsrType, "_empty", UsrSlotSize),
            new GptPartitionSpec(VerityType, "_empty", VeritySlotSize) { Attributes = Preset },
            new GptPartitionSpec(VerityType, "_empty", VeritySlotSize) { Attributes = Preset },
        ]);
        // usr: a full word, then each bit on top (all three defined for usr).
        // verity: no full word, so bits are edited in place; growfs is not defined for verity.
        WriteTransfers(disk,
            usrExtra: $"PartitionUUID={usrUuid}\nPartitionFlags=0x1\nPartitionNoAuto=yes\nPartitionGrowFileSystem=yes\nReadOnly=yes\n",
            verityExtra: "PartitionNoAuto=yes\nPartitionGrowFileSystem=yes\nReadOnly=no\n");
        AddVersion("1");

        await UpdateAsync();

        using (var gpt = GptDisk.Open(disk, writable: false))
        {
            var usr = gpt.FindPartition(UsrA)!;
            Assert.Equal(usrUuid, usr.Uuid);
            Assert.Equal(
                GptPartitionTypes.FlagRequiredPartition | GptPartitionTypes.FlagNoAuto | GptPartitionTypes.FlagGrowFileSystem | GptPartitionTypes.FlagReadOnly,
                usr.Attributes);
            var verity = gpt.FindPartition(VerityA)!;
            Assert.Equal(GptPartitionTypes.FlagLegacyBiosBootable | GptPartitionTypes.FlagNoAuto, verity.Attributes);
            Assert.NotEqual(usrUuid, verity.Uuid);
            Assert.Equal(Preset, gpt.FindPartition(VerityB)!.Attributes);
        }

        AssertSfdiskAgrees(disk);

        // Discovery reads the bits back into the metadata.
        var context = await LoadAsync();
        var installed = context.Transfers[0].TargetInstances.Single();
        Assert.Equal(usrUuid, installed.Metadata.PartitionUuid);
        Assert.True(installed.Metadata.NoAuto);
        Assert.True(installed.Metadata.ReadOnly);
        Assert.True(installed.Metadata.GrowFileSystem);
        var verityInstance = context.Transfers[1].TargetInstances.Single();
        Assert.True(verityInstance.Metadata.NoAuto);
        Assert.False(verityInstance.Metadata.ReadOnly);
        Assert.Null(verityInstance.Metadata.GrowFileSystem);
    }

    [Fact]
    public void PendingAttributes_LinuxGeneric_IgnoresTheDpsBits()
    {
        string disk = Path.Combine(_dir, "generic.img");
        GptImageBuilder.Create(disk, 4 * MiB, [new GptPartitionSpec(GptPartitionTypes.LinuxGeneric, "_empty", MiB)]);
        var transfer = LoadTransfer(disk, "linux-generic");
        var target = new PartitionTarget(transfer, disk, sync: false);
        var metadata = new InstanceMetadata { Version = "1", NoAuto = true, ReadOnly = true, GrowFileSystem = true };

        Assert.Equal(0x5UL, target.PendingAttributes(0x5, metadata));
        Assert.Equal(0x2UL, target.PendingAttributes(0x5, metadata with { PartitionFlags = 0x2 }));
    }

    [Fact]
    public void PendingAttributes_RootType_BitsOverrideTheFullWord()
    {
        string disk = Path.Combine(_dir, "root.img");
        GptImageBuilder.Create(disk, 4 * MiB, [new GptPartitionSpec(UsrType, "_empty", MiB)]);
        var target = new PartitionTarget(LoadTransfer(disk, "usr-x86-64"), disk, sync: false);
        const ulong all = GptPartitionTypes.FlagNoAuto | GptPartitionTypes.FlagReadOnly | GptPartitionTypes.FlagGrowFileSystem;

        Assert.Equal(0x1UL, target.PendingAttributes(all | 0x1,
            new InstanceMetadata { NoAuto = false, ReadOnly = false, GrowFileSystem = false }));
        Assert.Equal(GptPartitionTypes.FlagReadOnly, target.PendingAttributes(all,
            new InstanceMetadata { PartitionFlags = 0, ReadOnly = true }));
        Assert.Equal(all, target.PendingAttributes(all, InstanceMetadata.Empty));
    }

    // ---- interrupted and staged updates ---------------------------------------------------------------

    [SfdiskFact]
    public async Task Acquire_HashMismatch_LeavesPartialSlotWhichVacuumFrees()
    {
        string disk = MakeImage(512);
        WriteTransfers(disk, usrSourcePattern: "usr_@v_@h.raw", usrTargetPattern: "usr_@v");
        AddVersion("1", usrName: $"usr_1_{new string('0', 64)}.raw");
        string sfdiskBefore = SfdiskTypes(disk);

        var context = await LoadAsync();
        await Assert.ThrowsAsync<HashMismatchException>(() => new UpdateOperations(context).AcquireAsync(null));

        // The slot carries the final label and the derived partial type, visible to sfdisk too.
        using (var gpt = GptDisk.Open(disk, writable: false))
        {
            Assert.Equal("usr_1", gpt.FindPartition(UsrA)!.Name);
            Assert.Equal(GptPartitionTypes.DerivePartialType(UsrType), gpt.FindPartition(UsrA)!.Type);
        }

        AssertSfdiskAgrees(disk);
        Assert.NotEqual(sfdiskBefore, SfdiskTypes(disk));

        context = await LoadAsync();
        var partial = Assert.Single(context.Transfers[0].TargetInstances);
        Assert.True(partial.IsPartial);
        Assert.Equal(1, context.Transfers[0].EmptySlots);
        Assert.True(context.Plan.Find("1")!.Has(UpdateSetFlags.Partial));
        var refused = await Assert.ThrowsAnyAsync<SysUpdateException>(() => new UpdateOperations(context).AcquireAsync(null));
        Assert.Equal(Errno.EUCLEAN, refused.Errno);

        await Vacuum.RunAsync(context, space: 0, protectedVersion: null);

        using (var gpt = GptDisk.Open(disk, writable: false))
        {
            Assert.Equal("_empty", gpt.FindPartition(UsrA)!.Name);
            Assert.Equal(UsrType, gpt.FindPartition(UsrA)!.Type);
        }

        Assert.Equal(sfdiskBefore, SfdiskTypes(disk));
        context = await LoadAsync();
        Assert.Empty(context.Transfers[0].TargetInstances);
        Assert.Equal(2, context.Transfers[0].EmptySlots);
    }

    [SfdiskFact]
    public async Task AcquireThenInstallOffline_PendingTypeUntilCommitted()
    {
        string disk = MakeImage(512);
        WriteTransfers(disk);
        var (usr, verity) = AddVersion("1");

        var context = await LoadAsync();
        Assert.NotNull(await new UpdateOperations(context).AcquireAsync(null));

        using (var gpt = GptDisk.Open(disk, writable: false))
        {
            Assert.Equal(GptPartitionTypes.DerivePendingType(UsrType), gpt.FindPartition(UsrA)!.Type);
            Assert.Equal(GptPartitionTypes.DerivePendingType(VerityType), gpt.FindPartition(VerityA)!.Type);
            Assert.Equal("usr_1", gpt.FindPartition(UsrA)!.Name);
        }

        AssertSfdiskAgrees(disk);

        // A new process: only the disk tells that version 1 is pending.
        context = await UpdateContext.LoadOnlineAsync(Options with { Offline = true }, LoadRequirements.EnabledTransfers, _log);
        Assert.True(context.Plan.Find("1")!.Has(UpdateSetFlags.Pending));
        var operations = new UpdateOperations(context);
        var staged = await operations.ProcessPendingAsync(null);
        Assert.NotNull(staged);
        var installed = await operations.InstallAsync(staged);

        Assert.Equal([disk, disk], installed.Paths);
        AssertSlots(disk, new() { [UsrA] = ("usr_1", usr), [VerityA] = ("usr-verity_1", verity) });
        AssertSfdiskAgrees(disk);
    }

    [Fact]
    public async Task Discover_PrimaryTableCorrupt_WarnsWithRecoveryMessage()
    {
        string disk = MakeImage(512);
        DiskTestSupport.FlipByte(disk, 512 + 56); // the disk GUID in the primary header: its CRC no longer matches
        var warnings = new List<string>();
        var target = new PartitionTarget(LoadTransfer(disk, "usr-x86-64"), disk, sync: false, warnings.Add);

        var inventory = await target.DiscoverAsync();

        Assert.Equal(2, inventory.EmptySlots);
        var warning = Assert.Single(warnings);
        Assert.Contains(disk, warning, StringComparison.Ordinal);
    }

    // ---- read-back ----------------------------------------------------------------------------------

    [Theory]
    [InlineData(512)]
    [InlineData(4096)]
    public async Task Acquire_ReadbackFindsAFlippedByte_SlotGivenBackNothingPending(int sectorSize)
    {
        string disk = MakeImage(sectorSize);
        var transfer = LoadTransfer(disk, "usr-x86-64");
        AddVersion("1");
        var source = new LocalSource(transfer.Source, _src);
        var instance = Assert.Single(await source.DiscoverAsync(), i => i.Path.EndsWith("usr_1.raw", StringComparison.Ordinal));
        WrittenRange? seen = null;
        var readback = new PayloadReadback(beforeRead: (range, _) =>
        {
            seen = range;
            DiskTestSupport.FlipByte(range.Device, range.Offset + MiB + 3);
            return ValueTask.CompletedTask;
        });
        var target = new PartitionTarget(transfer, disk, sync: true, readback: readback);
        var prepared = target.Prepare(instance.Metadata);

        var error = await Assert.ThrowsAsync<ReadbackMismatchException>(
            () => target.AcquireAsync(prepared, instance, source, instance.Metadata, null));

        Assert.Equal(disk, error.Range.Device);
        Assert.Equal(seen!.Value.Offset + MiB, error.Start);
        using var gpt = GptDisk.Open(disk, writable: false);
        var usrA = gpt.FindPartition(UsrA)!;
        Assert.Equal((UsrType, "_empty"), (usrA.Type, usrA.Name)); // given back: neither partial nor pending
        Assert.DoesNotContain(gpt.Partitions, p => p.Type == GptPartitionTypes.DerivePendingType(UsrType) || p.Type == GptPartitionTypes.DerivePartialType(UsrType));
        Assert.Equal(2, (await target.DiscoverAsync()).EmptySlots);
    }

    [Fact]
    public async Task Acquire_ReadbackUnchanged_SlotPending()
    {
        string disk = MakeImage(512);
        var transfer = LoadTransfer(disk, "usr-x86-64");
        var (usr, _) = AddVersion("1");
        var source = new LocalSource(transfer.Source, _src);
        var instance = Assert.Single(await source.DiscoverAsync(), i => i.Path.EndsWith("usr_1.raw", StringComparison.Ordinal));
        var lines = new List<string>();
        var target = new PartitionTarget(transfer, disk, sync: true, readback: new PayloadReadback(lines.Add));

        await target.AcquireAsync(target.Prepare(instance.Metadata), instance, source, instance.Metadata, null);

        Assert.Contains(lines, l => l.Contains($"read back {usr.Length} bytes", StringComparison.Ordinal));
        using var gpt = GptDisk.Open(disk, writable: false);
        Assert.Equal(GptPartitionTypes.DerivePendingType(UsrType), gpt.FindPartition(UsrA)!.Type);
    }

    [Fact]
    public async Task Discover_OverlappingEntries_WarnsNamingThem()
    {
        string disk = Path.Combine(_dir, "overlap.img");
        GptImageBuilder.Create(disk, 12 * MiB,
        [
            new GptPartitionSpec(UsrType, "usr_1", UsrSlotSize),
            new GptPartitionSpec(UsrType, "_empty", UsrSlotSize) { FirstLba = (2 * MiB) / 512 },
        ]);
        var warnings = new List<string>();
        var target = new PartitionTarget(LoadTransfer(disk, "usr-x86-64"), disk, sync: false, warnings.Add);

        var inventory = await target.DiscoverAsync();

        Assert.Single(inventory.Instances);
        Assert.Contains(warnings, w => w.StartsWith($"{disk}: GPT entries 1 (usr_1) and 2 (_empty) overlap", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Discover_OtherTypesAndForeignLabels_Ignored()
    {
        string disk = MakeImage(512);
        var target = new PartitionTarget(LoadTransfer(disk, "usr-x86-64"), disk, sync: false);

        var inventory = await target.DiscoverAsync();

        Assert.Empty(inventory.Instances); // "usr_9" is linux-generic, "foreign" matches no pattern
        Assert.Equal(2, inventory.EmptySlots);
    }

    [Fact]
    public void Prepare_LabelOf36_Accepted_37_Refused()
    {
        string disk = MakeImage(512);
        var target = new PartitionTarget(LoadTransfer(disk, "usr-x86-64"), disk, sync: false);

        Assert.Equal(36, target.Prepare(new InstanceMetadata { Version = new string('1', 32) }).PartitionLabel!.Length);
        var error = Assert.Throws<SysUpdateException>(() => target.Prepare(new InstanceMetadata { Version = new string('1', 33) }));
        Assert.Equal(Errno.EINVAL, error.Errno);
    }

    // ---- Path= forms ------------------------------------------------------------------------------------

    [Fact]
    public void Constructor_DirectoryPath_UsesTheDiskBackingIt()
    {
        string disk = MakeImage(512);
        var fake = new FakeSystem(_dir);
        fake.Mount("8:3", "/", "ext4", "/dev/sda3");
        fake.Partition("sda", "sda3", "8:3");

        var target = new PartitionTarget(LoadTransfer(disk, "usr-x86-64"), _src, sync: false, locator: fake.Locator);

        Assert.Equal("/dev/sda", target.Location);
    }

    [Fact]
    public void Create_PathAutoUnderRoot_Eperm()
    {
        string disk = MakeImage(512);
        var transfer = LoadTransfer(disk, "usr-x86-64") is var t ? t with { Target = t.Target with { Path = null, PathAuto = true } } : null!;
        var options = new SysUpdateOptions { Root = _dir, RootIsExplicit = true };

        var error = Assert.Throws<SysUpdateException>(() =>
            PartitionTarget.Create(transfer, options, new ResourcePathResolver(_dir, null)));

        Assert.Equal(Errno.EPERM, error.Errno);
    }

    [Fact]
    public void Create_ImagePathUnderRoot_ResolvedBelowRoot()
    {
        string disk = MakeImage(512);
        var transfer = LoadTransfer("/disk.img", "usr-x86-64");
        var options = new SysUpdateOptions { Root = Path.GetDirectoryName(disk)!, RootIsExplicit = true };

        var target = PartitionTarget.Create(transfer, options, new ResourcePathResolver(options.Root, null));

        Assert.Equal(disk, target.Location);
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private string MakeImage(int sectorSize)
    {
        string path = Path.Combine(_dir, "disk.img");
        GptImageBuilder.Create(path, 12 * MiB,
        [
            new GptPartitionSpec(UsrType, "_empty", UsrSlotSize),
            new GptPartitionSpec(UsrType, "_empty", UsrSlotSize),
            new GptPartitionSpec(VerityType, "_empty", VeritySlotSize),
            new GptPartitionSpec(VerityType, "_empty", VeritySlotSize),
            new GptPartitionSpec(UsrType, "foreign", 512 * 1024),
            new GptPartitionSpec(GptPartitionTypes.LinuxGeneric, "usr_9", 512 * 1024),
        ], sectorSize);
        return path;
    }

    private void WriteTransfers(
        string disk, string usrSourcePattern = "usr_@v.raw", string? usrTargetPattern = null, string usrExtra = "", string verityExtra = "")
    {
        File.WriteAllText(Path.Combine(_defs, "10-usr.transfer"), TransferText(disk, usrSourcePattern, usrTargetPattern ?? "usr_@v", "usr-x86-64", usrExtra));
        File.WriteAllText(Path.Combine(_defs, "20-verity.transfer"), TransferText(disk, "usr_@v.verity", "usr-verity_@v", "usr-x86-64-verity", verityExtra));
    }

    private string TransferText(string disk, string sourcePattern, string targetPattern, string type, string extra) =>
        $"""
        [Transfer]
        Verify=no

        [Source]
        Type=regular-file
        Path={_src}
        MatchPattern={sourcePattern}

        [Target]
        Type=partition
        Path={disk}
        MatchPattern={targetPattern}
        MatchPartitionType={type}
        {extra}
        """;

    /// <summary>Loads one transfer definition through the real parser.</summary>
    private Transfer LoadTransfer(string disk, string type)
    {
        string dir = Directory.CreateDirectory(Path.Combine(_dir, "single-" + Guid.NewGuid().ToString("N"))).FullName;
        File.WriteAllText(Path.Combine(dir, "usr.transfer"), TransferText(disk, "usr_@v.raw", "usr_@v", type, string.Empty));
        var definitions = DefinitionLoader.Load(new DefinitionOptions { DefinitionsDirectory = dir }, new HostIdentity("/"));
        return Assert.Single(definitions.Transfers);
    }

    private (byte[] Usr, byte[] Verity) AddVersion(string version, long? usrSize = null, string? usrName = null)
    {
        int seed = version.GetHashCode(StringComparison.Ordinal);
        byte[] usr = RandomBytes(usrSize ?? (2 * MiB) + 12345, seed);
        byte[] verity = RandomBytes(200_000 + (version.Length * 17), seed + 1);
        File.WriteAllBytes(Path.Combine(_src, usrName ?? $"usr_{version}.raw"), usr);
        File.WriteAllBytes(Path.Combine(_src, $"usr_{version}.verity"), verity);
        return (usr, verity);
    }

    private static byte[] RandomBytes(long length, int seed)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    private Task<UpdateContext> LoadAsync() => UpdateContext.LoadOnlineAsync(Options, LoadRequirements.EnabledTransfers, _log);

    private async Task UpdateAsync()
    {
        var context = await LoadAsync();
        var operations = new UpdateOperations(context);
        var staged = await operations.AcquireAsync(null);
        Assert.NotNull(staged);
        await operations.InstallAsync(staged);
    }

    /// <summary>Every slot's label and type, and the payload bytes at the start of each filled slot.</summary>
    private static void AssertSlots(string disk, Dictionary<int, (string Label, byte[] Data)> filled)
    {
        int[] usrSlots = [UsrA, UsrB], veritySlots = [VerityA, VerityB];
        using var gpt = GptDisk.Open(disk, writable: false);
        foreach (int number in usrSlots.Concat(veritySlots))
        {
            var partition = gpt.FindPartition(number)!;
            Assert.Equal(usrSlots.Contains(number) ? UsrType : VerityType, partition.Type);
            if (!filled.TryGetValue(number, out var expected))
            {
                Assert.Equal("_empty", partition.Name);
                continue;
            }

            Assert.Equal(expected.Label, partition.Name);
            Assert.Equal(Sha256Hex(expected.Data), Sha256Hex(ReadAt(disk, partition.StartBytes, expected.Data.Length)));
        }

        Assert.Equal("foreign", gpt.FindPartition(Foreign)!.Name);
        Assert.Equal(UsrType, gpt.FindPartition(Foreign)!.Type);
        Assert.Equal("usr_9", gpt.FindPartition(Generic)!.Name);
    }

    private static byte[] ReadAt(string disk, long offset, int length)
    {
        byte[] data = new byte[length];
        // Plain open(2), as the product reads disks: .NET's OpenHandle takes a non-blocking flock(LOCK_SH), which
        // fails whenever another opener holds LOCK_EX for a moment (seen under load on loop devices and image files).
        using var file = SysUpdate.Core.Native.LibC.Open(disk, Tmds.Linux.LibC.O_RDONLY);
        Assert.Equal(length, RandomAccess.Read(file, data, offset));
        return data;
    }

    private static string Sha256Hex(byte[] data) => Convert.ToHexString(SHA256.HashData(data));

    private static void AssertSfdiskAgrees(string disk)
    {
        var table = DiskTestSupport.SfdiskJson(disk);
        using var gpt = GptDisk.Open(disk, writable: false);
        Assert.Equal(gpt.Partitions.Count, table.Partitions.Count);
        for (int i = 0; i < table.Partitions.Count; i++)
        {
            var expected = table.Partitions[i];
            var actual = gpt.Partitions[i];
            Assert.Equal(expected.Type, actual.Type);
            Assert.Equal(expected.Uuid, actual.Uuid);
            Assert.Equal(expected.Name, actual.Name);
            Assert.Equal(expected.Attributes, actual.Attributes);
            Assert.Equal(expected.Start, actual.FirstLba);
            Assert.Equal(expected.Size, actual.LastLba - actual.FirstLba + 1);
        }

        var (exit, output) = DiskTestSupport.SfdiskVerify(disk);
        Assert.True(exit == 0, output);
    }

    private static string SfdiskTypes(string disk) =>
        string.Join(",", DiskTestSupport.SfdiskJson(disk).Partitions.Select(p => $"{p.Type}/{p.Name}"));
}
