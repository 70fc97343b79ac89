using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>
/// The A/B rotation run through the built CLI on image files and loop devices with 512- and 4096-byte
/// sectors: after each of v1…v4 both slot pairs carry the right labels and exactly the published bytes
/// (v1 → A, v2 → B, v3 replaces v1, v4 replaces v2), the ESP is untouched, and sfdisk agrees with our
/// reader and finds nothing wrong.
/// </summary>
public sealed class PartitionRotationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(512)]
    [InlineData(4096)]
    public async Task Update_V1ToV4OnImageFile_RotatesSlotsByteExact(int sectorSize)
    {
        using var disk = new AbDisk(sectorSize);
        await RotateAsync(disk);
    }

    [LoopTheory]
    [InlineData(4096)]
    [InlineData(512)]
    public async Task Update_V1ToV4OnLoopDevice_RotatesSlotsByteExact(int sectorSize)
    {
        using var disk = new AbDisk(sectorSize);
        disk.AttachLoop();
        await RotateAsync(disk);
        var list = (await disk.RunAsync("--offline", "--json=short", "list", "v4")).ShouldExit(0);
        // On a block device the instance path is the partition's device node.
        Assert.Contains($"\"path\":\"{disk.Loop!.Path}p{AbDisk.UsrB}\"", list.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_GzipSource_DecompressesIntoSlot()
    {
        using var disk = new AbDisk(512);
        disk.WriteTransfers(usrSourceSuffix: ".raw.gz");
        var v1 = disk.Publish("v1", gzip: true);
        (await disk.RunAsync("update")).ShouldExit(0);
        var v2 = disk.Publish("v2", gzip: true);
        (await disk.RunAsync("update")).ShouldExit(0);

        using var gpt = disk.Open();
        disk.AssertInstalled(gpt, v1, AbDisk.UsrA, AbDisk.VerityA, "gzip v1");
        disk.AssertInstalled(gpt, v2, AbDisk.UsrB, AbDisk.VerityB, "gzip v2");
        disk.AssertEspUntouched(gpt, "gzip");
        disk.AssertTablesAgree("gzip", output.WriteLine);
    }

    private async Task RotateAsync(AbDisk disk)
    {
        var installed = new Release?[2];
        for (int v = 1; v <= 4; v++)
        {
            string version = $"v{v}";
            var release = disk.Publish(version);
            var run = (await disk.RunAsync("update")).ShouldExit(0);
            Assert.Contains($"Successfully installed update '{version}'", run.StandardError + run.StandardOutput, StringComparison.Ordinal);
            installed[(v - 1) % 2] = release;

            using var gpt = disk.Open();
            string because = $"{disk.DiskPath} ({disk.SectorSize}-byte sectors) after {version}";
            disk.AssertInstalled(gpt, installed[0]!, AbDisk.UsrA, AbDisk.VerityA, because);
            if (installed[1] is { } b)
                disk.AssertInstalled(gpt, b, AbDisk.UsrB, AbDisk.VerityB, because);
            else
            {
                disk.AssertSlot(gpt, AbDisk.UsrB, AbDisk.UsrType, "_empty", new byte[AbDisk.UsrSlotSize], because);
                disk.AssertSlot(gpt, AbDisk.VerityB, AbDisk.VerityType, "_empty", new byte[AbDisk.VeritySlotSize], because);
            }
            disk.AssertEspUntouched(gpt, because);
            disk.AssertTablesAgree(because, output.WriteLine);

            var list = (await disk.RunAsync("--offline", "--json=short", "list")).ShouldExit(0);
            string all = v == 1 ? "\"v1\"" : $"\"v{v}\",\"v{v - 1}\"";
            Assert.Equal($$"""{"current":"{{version}}","all":[{{all}}],"appstreamUrls":[]}""", list.StandardOutput.Trim());
        }
    }
}
