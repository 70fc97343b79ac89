using SysUpdate.Core.Disk;
using SysUpdate.Integration.Tests.Partitions;
using SysUpdate.Integration.Tests.Support;
using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Faults;

/// <summary>
/// Partition targets under bad tables and disk faults, run through the published binary: a table whose
/// entries overlap or leave the usable range is refused before any write (naming the disk and the entries),
/// a read-only or vanished disk gives one line; every refusal leaves the image byte for byte unchanged.
/// </summary>
public sealed class GptFaultTests(ITestOutputHelper output)
{
    private const long MiB = AbDisk.MiB;

    /// <summary>The A/B layout with v1 already installed in usr slot 2, and the free usr slot 3 placed
    /// <paramref name="emptyFirstLba"/> (overlapping slot 2, or past the usable range) — the table
    /// <c>sfdisk --verify</c> flags and a writer used to fill over the installed version.</summary>
    private static IReadOnlyList<GptPartitionSpec> Layout(ulong emptyFirstLba) =>
    [
        new(GptPartitionTypes.Esp, "esp", 1 * MiB) { Attributes = AbDisk.EspAttributes },
        new(AbDisk.UsrType, "usr_v1", AbDisk.UsrSlotSize) { Attributes = AbDisk.InstalledUsrAttributes },
        new(AbDisk.UsrType, "_empty", AbDisk.UsrSlotSize) { FirstLba = emptyFirstLba },
        new(AbDisk.VerityType, "_empty", AbDisk.VeritySlotSize),
        new(AbDisk.VerityType, "_empty", AbDisk.VeritySlotSize),
    ];

    [Theory]
    [InlineData(512)]
    [InlineData(4096)]
    public async Task Update_EmptySlotOverlapsInstalledVersion_RefusedImageUnchanged(int sectorSize)
    {
        // Slot 2 spans 2..4 MiB; slot 3 starts at 3 MiB, inside it.
        using var disk = new AbDisk(sectorSize, Layout((ulong)(3 * MiB / sectorSize)));
        disk.Publish("v2");
        if (sectorSize == 512 && DiskTools.SfdiskPath is not null)
        {
            var (exit, stdout, stderr) = DiskTools.Run("sfdisk", "--verify", disk.Image);
            Assert.False(exit == 0 && stdout.Contains("No errors detected", StringComparison.Ordinal), $"sfdisk must flag the fixture: {stdout}{stderr}");
        }

        string line = await AssertRefusedAsync(disk);
        Assert.Contains($"{disk.Image}: GPT entries 2 (usr_v1) and 3 (_empty) overlap", line, StringComparison.Ordinal);
        Assert.Contains("refusing to write", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_EntryPastLastUsableLba_RefusedImageUnchanged()
    {
        ulong lastUsable;
        using (var probe = new AbDisk(512))
        using (var gpt = probe.Open())
            lastUsable = gpt.LastUsableLba;
        // The free usr slot is the last entry, reaching from just below the last usable LBA into the backup entry array.
        using var disk = new AbDisk(512,
        [
            new(GptPartitionTypes.Esp, "esp", 1 * MiB) { Attributes = AbDisk.EspAttributes },
            new(AbDisk.UsrType, "usr_v1", AbDisk.UsrSlotSize) { Attributes = AbDisk.InstalledUsrAttributes },
            new(AbDisk.VerityType, "_empty", AbDisk.VeritySlotSize),
            new(AbDisk.VerityType, "_empty", AbDisk.VeritySlotSize),
            new(AbDisk.UsrType, "_empty", AbDisk.UsrSlotSize) { FirstLba = lastUsable - 100 },
        ]);
        disk.Publish("v2");

        string line = await AssertRefusedAsync(disk);
        Assert.Contains($"{disk.Image}: GPT entry 5 (_empty) spans LBA {lastUsable - 100}..", line, StringComparison.Ordinal);
        Assert.Contains($"outside the usable range", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_OverlappingEntries_ListsAndWarnsNamingTheEntries()
    {
        using var disk = new AbDisk(512, Layout(3 * MiB / 512));
        string before = disk.ImageSha256();

        var run = (await disk.RunAsync("list")).ShouldExit(0);
        output.WriteLine(run.ToString());

        Assert.Contains(run.ErrorLines, l => l.Contains($"{disk.Image}: GPT entries 2 (usr_v1) and 3 (_empty) overlap", StringComparison.Ordinal));
        Assert.Contains("v1", run.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(before, disk.ImageSha256());
    }

    [BindMountFact]
    public async Task Update_ImageOnReadOnlyMount_OneLineNamingTheImageInstalledUntouched()
    {
        using var disk = new AbDisk(512);
        var v1 = disk.Publish("v1");
        (await disk.RunAsync("update")).ShouldExit(0);
        disk.Publish("v2");
        string before = disk.ImageSha256();

        using (ReadOnlyBindMount.Over(disk.Image))
        {
            var run = await disk.RunAsync("update");
            output.WriteLine(run.ToString());
            Assert.NotEqual(0, run.ExitCode);
            AssertOneLineNaming(run, disk.Image);
            Assert.Contains("Read-only file system", run.ErrorLines[^1], StringComparison.Ordinal);
        }

        Assert.Equal(before, disk.ImageSha256());
        using var gpt = disk.Open();
        disk.AssertInstalled(gpt, v1, AbDisk.UsrA, AbDisk.VerityA, "after the refused update");
    }

    [BindMountFact]
    public async Task Update_SparseImageOnFullFileSystem_OneLineSlotGivenBack()
    {
        // The image is sparse: its 9 MiB hold 1 MiB of ESP and the tables; a 2 MiB tmpfs cannot take a 2 MiB usr payload.
        using var tmpfs = SmallTmpfs.Mount(2 * MiB);
        using var disk = new AbDisk(512, imageDirectory: tmpfs.Path);
        disk.Publish("v1");

        var run = await disk.RunAsync("update");
        output.WriteLine(run.ToString());

        Assert.NotEqual(0, run.ExitCode);
        AssertOneLineNaming(run, disk.Image);
        Assert.Contains("No space left on device", run.ErrorLines[^1], StringComparison.Ordinal);
        using var gpt = disk.Open();
        foreach (int slot in new[] { AbDisk.UsrA, AbDisk.UsrB })
            disk.AssertSlot(gpt, slot, AbDisk.UsrType, "_empty", null, "the slot must be given back after ENOSPC");
        disk.AssertEspUntouched(gpt, "after ENOSPC");
    }

    [LoopTheory]
    [InlineData(512)]
    [InlineData(4096)]
    public async Task Update_ReadOnlyLoopDevice_OneLineNamingTheDeviceInstalledUntouched(int sectorSize)
    {
        using var disk = new AbDisk(sectorSize);
        disk.AttachLoop();
        var v1 = disk.Publish("v1");
        (await disk.RunAsync("update")).ShouldExit(0);
        disk.Publish("v2");
        string before = disk.ImageSha256();

        // A second, read-only loop device on the same image: opening it for writing fails (EACCES/EROFS).
        using var readOnly = LoopDevice.Attach(disk.Image, sectorSize, readOnly: true);
        foreach (string file in Directory.GetFiles(disk.Definitions))
            File.WriteAllText(file, File.ReadAllText(file).Replace($"Path={disk.DiskPath}", $"Path={readOnly.Path}", StringComparison.Ordinal));

        var run = await disk.RunAsync("update");
        output.WriteLine(run.ToString());
        Assert.NotEqual(0, run.ExitCode);
        AssertOneLineNaming(run, readOnly.Path);

        Assert.Equal(before, disk.ImageSha256());
        using var gpt = disk.Open();
        disk.AssertInstalled(gpt, v1, AbDisk.UsrA, AbDisk.VerityA, "after the refused update");
    }

    [Fact]
    public async Task Update_DiskImageVanished_OneLineNamingTheImage()
    {
        using var disk = new AbDisk(512);
        disk.Publish("v1");
        File.Delete(disk.Image);

        var run = await disk.RunAsync("update");
        output.WriteLine(run.ToString());
        Assert.NotEqual(0, run.ExitCode);
        AssertOneLineNaming(run, disk.Image);
        Assert.False(File.Exists(disk.Image), "nothing may create the vanished image again");
    }

    /// <summary>Runs <c>update</c>: exit 1, one last error line naming the image, no stack trace, image unchanged.</summary>
    private async Task<string> AssertRefusedAsync(AbDisk disk)
    {
        string before = disk.ImageSha256();
        var run = (await disk.RunAsync("update")).ShouldExit(1);
        output.WriteLine(run.ToString());
        AssertOneLineNaming(run, disk.Image);
        Assert.Equal(before, disk.ImageSha256());
        return run.ErrorLines[^1];
    }

    private static void AssertOneLineNaming(ProcessResult run, string path)
    {
        Assert.DoesNotContain("   at ", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.StandardError, StringComparison.Ordinal);
        Assert.True(run.ErrorLines.Count > 0, $"no error line:\n{run}");
        Assert.True(run.ErrorLines[^1].Contains(path, StringComparison.Ordinal), $"the last line must name {path}:\n{run}");
    }
}
