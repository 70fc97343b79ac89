using SysUpdate.Integration.Tests.Partitions;
using SysUpdate.Integration.Tests.Support;
using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Faults;

/// <summary>
/// Read-back is on by default: every partition payload is read back past the page cache before its slot is
/// marked pending, and the log says how (O_DIRECT, or dropped cache + buffered read). With it on, normal
/// updates of image files and loop devices still install the published bytes; <c>SYSUPDATE_READBACK=0</c>
/// switches it off. (A mismatch can only be made through a seam: PartitionTargetTests and PayloadReadbackTests.)
/// </summary>
public sealed class ReadbackTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(512)]
    [InlineData(4096)]
    public async Task Update_ImageFile_ReadsBackEachPayloadAndInstalls(int sectorSize)
    {
        using var disk = new AbDisk(sectorSize);
        var v1 = disk.Publish("v1");

        var run = (await disk.RunAsync("update")).ShouldExit(0);
        output.WriteLine(run.ToString());

        AssertReadBack(run, disk.Image, v1.Usr.Length);
        AssertReadBack(run, disk.Image, v1.Verity.Length);
        using var gpt = disk.Open();
        disk.AssertInstalled(gpt, v1, AbDisk.UsrA, AbDisk.VerityA, "after an update with read-back");
    }

    [LoopTheory]
    [InlineData(512)]
    [InlineData(4096)]
    public async Task Update_LoopDevice_ReadsBackWithODirectAndInstalls(int sectorSize)
    {
        using var disk = new AbDisk(sectorSize);
        disk.AttachLoop();
        var v1 = disk.Publish("v1");
        (await disk.RunAsync("update")).ShouldExit(0);
        var v2 = disk.Publish("v2");

        var run = (await disk.RunAsync("update")).ShouldExit(0);
        output.WriteLine(run.ToString());

        Assert.Contains(run.ErrorLines, l => l.Contains($"read back {v2.Usr.Length} bytes with O_DIRECT", StringComparison.Ordinal));
        using var gpt = disk.Open();
        disk.AssertInstalled(gpt, v1, AbDisk.UsrA, AbDisk.VerityA, "v1 kept");
        disk.AssertInstalled(gpt, v2, AbDisk.UsrB, AbDisk.VerityB, "v2 installed with read-back");
    }

    [Fact]
    public async Task Update_ReadbackSwitchedOff_InstallsWithoutReadingBack()
    {
        using var disk = new AbDisk(512);
        var v1 = disk.Publish("v1");

        var run = (await new SysUpdateProcess(disk.Sysupdate.Binary).WithEnvironment("SYSUPDATE_READBACK", "0")
            .RunAsync("--definitions=" + disk.Definitions, "update")).ShouldExit(0);
        output.WriteLine(run.ToString());

        Assert.DoesNotContain(run.ErrorLines, l => l.Contains("read back", StringComparison.Ordinal));
        using var gpt = disk.Open();
        disk.AssertInstalled(gpt, v1, AbDisk.UsrA, AbDisk.VerityA, "after an update without read-back");
    }

    private static void AssertReadBack(ProcessResult run, string disk, int length) =>
        Assert.True(run.ErrorLines.Any(l => l.Contains(disk, StringComparison.Ordinal)
                && l.Contains($"read back {length} bytes", StringComparison.Ordinal)
                && l.Contains("identical to what was written", StringComparison.Ordinal)),
            $"no read-back line for {length} bytes of {disk}:\n{run}");
}
