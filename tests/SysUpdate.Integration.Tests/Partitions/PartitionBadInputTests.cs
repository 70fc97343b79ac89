using SysUpdate.Core.Disk;
using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>
/// Disks and definitions <c>update</c> must refuse: one error line on stderr (the last, no stack trace),
/// exit 1, the disk named, and not one byte of the image changed. A corrupt primary table alone is not
/// such a case: the update succeeds from the backup, warns, and leaves both tables valid.
/// </summary>
public sealed class PartitionBadInputTests(ITestOutputHelper output)
{
    private const long MiB = AbDisk.MiB;

    [Fact]
    public async Task Update_ZeroFilledDisk_FailsWithNoGptLabel()
    {
        using var disk = new AbDisk(512);
        File.WriteAllBytes(disk.Image, new byte[AbDisk.ImageSize]);
        disk.Publish("v1");
        await AssertRefusedAsync(disk, "no GPT disk label");
    }

    [Fact]
    public async Task Update_BothTablesCorrupt_Fails()
    {
        using var disk = new AbDisk(512);
        FlipByte(disk.Image, disk.SectorSize + 0x38);
        FlipByte(disk.Image, AbDisk.ImageSize - disk.SectorSize + 0x38);
        disk.Publish("v1");
        await AssertRefusedAsync(disk, "corrupt GPT");
    }

    [Theory]
    [InlineData(512)]
    [InlineData(4096)]
    public async Task Update_CorruptPrimaryTable_SucceedsFromBackupWarnsAndRepairs(int sectorSize)
    {
        using var disk = new AbDisk(sectorSize);
        FlipByte(disk.Image, disk.SectorSize + 0x38);
        using (var broken = disk.Open())
            Assert.True(broken.RecoveredFromBackup, "the flipped byte must spoil the primary header");
        var v1 = disk.Publish("v1");

        var run = (await disk.RunAsync("update")).ShouldExit(0);
        Assert.Contains(run.ErrorLines, l => l.StartsWith($"{disk.Image}: primary GPT is corrupt", StringComparison.Ordinal));
        using (var gpt = disk.Open())
        {
            Assert.False(gpt.RecoveredFromBackup, "the update must have rewritten the primary table");
            Assert.False(gpt.BackupCorrupt, "the backup table must still be valid");
            Assert.Equal(disk.Layout.Count, gpt.Partitions.Count);
            disk.AssertInstalled(gpt, v1, AbDisk.UsrA, AbDisk.VerityA, "after recovering from the backup");
            disk.AssertEspUntouched(gpt, "after recovering from the backup");
        }
        disk.AssertTablesAgree("after recovering from the backup", output.WriteLine);
    }

    [Fact]
    public async Task Update_NoSlotOfTheType_Fails()
    {
        using var disk = new AbDisk(512,
        [
            new(GptPartitionTypes.Esp, "esp", 1 * MiB),
            new(GptPartitionTypes.LinuxGeneric, "_empty", 2 * MiB),
            new(GptPartitionTypes.LinuxGeneric, "_empty", 2 * MiB),
            new(AbDisk.VerityType, "_empty", 1 * MiB),
            new(AbDisk.VerityType, "_empty", 1 * MiB),
        ]);
        disk.Publish("v1");
        await AssertRefusedAsync(disk, "Partition table has less than two partition slots of the right type");
    }

    [Fact]
    public async Task Update_OneSlotOfTheType_Fails()
    {
        using var disk = new AbDisk(512,
        [
            new(GptPartitionTypes.Esp, "esp", 1 * MiB),
            new(AbDisk.UsrType, "_empty", 2 * MiB),
            new(AbDisk.VerityType, "_empty", 1 * MiB),
            new(AbDisk.VerityType, "_empty", 1 * MiB),
        ]);
        disk.Publish("v1");
        await AssertRefusedAsync(disk, "Partition table has less than two partition slots of the right type");
    }

    [Fact]
    public async Task Update_SourceBiggerThanSlots_Fails()
    {
        using var disk = new AbDisk(512);
        disk.Publish("v1", usrSize: AbDisk.UsrSlotSize + 512);
        await AssertRefusedAsync(disk, "No available partition of a suitable size found");
    }

    [Fact]
    public async Task Update_LabelLongerThan36Utf16Units_Fails()
    {
        using var disk = new AbDisk(512);
        // "usr_v1_" + 30 characters = 37 UTF-16 code units.
        disk.WriteTransfers(usrPattern: "usr_@v_" + new string('x', 30));
        disk.Publish("v1");
        string line = await AssertRefusedAsync(disk, "Formatted pattern is not suitable as GPT partition label");
        Assert.StartsWith(Path.Combine(disk.Definitions, "10-usr.transfer") + ": ", line, StringComparison.Ordinal);
        Assert.EndsWith(": usr_v1_" + new string('x', 30), line, StringComparison.Ordinal);
    }

    /// <summary>Runs <c>update</c> and asserts exit 1, one final error line naming the disk (and
    /// <paramref name="expected"/>), no stack trace, and an unchanged image; returns the line.</summary>
    private async Task<string> AssertRefusedAsync(AbDisk disk, string expected)
    {
        string before = disk.ImageSha256();
        var run = (await disk.RunAsync("update")).ShouldExit(1);
        output.WriteLine(run.ToString());
        string line = run.ErrorLines[^1];
        Assert.DoesNotContain("   at ", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.StandardError, StringComparison.Ordinal);
        Assert.True(line.Contains(disk.Image, StringComparison.Ordinal), $"the error must name the disk {disk.Image}: {line}");
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Equal(before, disk.ImageSha256());
        return line;
    }

    private static void FlipByte(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        int b = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(b ^ 0xFF));
    }
}
