using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>
/// <c>PartitionZeroFill=</c> through the built CLI, as upstream's <c>test_zero_fill</c> (v262.1) checks it, on image
/// files and on loop devices with 512- and 4096-byte sectors: two 64-sector slots take v1…v4 (3000 bytes into an empty
/// slot, a payload that fills its slot, 130 bytes over v1, and the slot size less 100 bytes over v2 — a remainder
/// smaller than a sector). After every update both slots hold exactly what a model of them says: the payload, then
/// zeroes when zero filling is on, or the tail of the slot's previous payload when it is off — so the neighbouring
/// slot is byte-for-byte untouched. The backup partition entries, which follow the last slot directly, still equal
/// the primary ones, and <c>sfdisk --verify</c> finds nothing wrong.
/// </summary>
public sealed class ZeroFillTests(ITestOutputHelper output)
{
    private const string VeritySig = "root-x86-64-verity-sig";
    private const string Generic = "linux-generic";

    /// <summary>(source type, MatchPartitionType=, setting line, zeroed) — upstream's six cases, then the default for a
    /// verity-sig type of another architecture and for a verity-sig type given by UUID.</summary>
    public static readonly TheoryData<string, string, string, bool> Cases = new()
    {
        { "regular-file", VeritySig, "", true },
        { "url-file", VeritySig, "", true },
        { "regular-file", VeritySig, "PartitionZeroFill=no", false },
        { "regular-file", Generic, "", false },
        { "regular-file", Generic, "PartitionZeroFill=yes", true },
        { "url-file", Generic, "PartitionZeroFill=yes", true },
        { "regular-file", "usr-arm64-verity-sig", "", true },
        { "url-file", "41092b05-9fc8-4523-994f-2def0408b176", "", true },
    };

    /// <summary>Every case at both sector sizes (loop devices: BLKZEROOUT plus the sub-sector head).</summary>
    public static TheoryData<int, string, string, string, bool> CasesBySectorSize() => BySectorSize(Cases.Select(row => row));

    /// <summary>On image files (fallocate) the four that tell on from off, at both sector sizes.</summary>
    public static TheoryData<int, string, string, string, bool> ImageFileCases() => BySectorSize(Cases.Take(6).Where((_, i) => i is 0 or 2 or 3 or 5));

    private static TheoryData<int, string, string, string, bool> BySectorSize(IEnumerable<object[]> rows)
    {
        var data = new TheoryData<int, string, string, string, bool>();
        var list = rows.ToList();
        foreach (int sectorSize in new[] { 512, 4096 })
        {
            foreach (var row in list)
                data.Add(sectorSize, (string)row[0], (string)row[1], (string)row[2], (bool)row[3]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ImageFileCases))]
    public async Task Update_OnImageFile_ZeroesTheSlotTailOnlyWhenOn(int sectorSize, string sourceType, string partitionType, string setting, bool zeroed)
    {
        using var disk = new ZeroFillDisk(sectorSize, AbDisk.Resolve(partitionType));
        disk.WriteTransfer(sourceType, partitionType, setting);
        await RunVersionsAsync(disk, zeroed);
    }

    [LoopTheory]
    [MemberData(nameof(CasesBySectorSize))]
    public async Task Update_OnLoopDevice_ZeroesTheSlotTailOnlyWhenOn(int sectorSize, string sourceType, string partitionType, string setting, bool zeroed)
    {
        using var disk = new ZeroFillDisk(sectorSize, AbDisk.Resolve(partitionType));
        disk.AttachLoop();
        disk.WriteTransfer(sourceType, partitionType, setting);
        await RunVersionsAsync(disk, zeroed);
    }

    private async Task RunVersionsAsync(ZeroFillDisk disk, bool zeroFill)
    {
        long slot = disk.SlotBytes;
        (string Version, long Size)[] versions = [("v1", 3000), ("v2", slot), ("v3", 130), ("v4", slot - 100)];
        // What each slot must hold, updated as upstream's rotation fills them: v1 → A, v2 → B, v3 over v1, v4 over v2.
        byte[][] model = [new byte[slot], new byte[slot]];
        string?[] labels = [null, null];
        for (int i = 0; i < versions.Length; i++)
        {
            (string version, long size) = versions[i];
            string because = $"{disk.DiskPath} ({disk.SectorSize}-byte sectors, zero fill {(zeroFill ? "on" : "off")}) after {version}";
            byte[] payload = disk.Publish(version, size);
            var run = (await disk.RunAsync("update")).ShouldExit(0);
            Assert.Contains($"Successfully installed update '{version}'", run.StandardError + run.StandardOutput, StringComparison.Ordinal);

            int target = i % 2;
            payload.CopyTo(model[target], 0);
            if (zeroFill)
                Array.Clear(model[target], payload.Length, model[target].Length - payload.Length);
            labels[target] = $"sig-{version}";

            byte[] actual = disk.ReadSlot(labels[target]!);
            AssertSameBytes(model[target], actual, $"{because}: the new slot");
            byte[] tail = actual[payload.Length..];
            if (!zeroFill && version is "v3" or "v4")
                Assert.True(tail.Any(b => b != 0), $"{because}: the previous payload's tail should survive with zero filling off");
            if (zeroFill)
                Assert.True(tail.All(b => b == 0), $"{because}: {tail.Count(b => b != 0)} non-zero bytes after the payload");
            if (labels[1 - target] is { } neighbour)
                AssertSameBytes(model[1 - target], disk.ReadSlot(neighbour), $"{because}: the neighbouring slot {neighbour}");
            AssertTablesIntact(disk, because);
        }

        using var gpt = disk.Open();
        Assert.Equal(["sig-v3", "sig-v4"], gpt.Partitions.Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    private void AssertTablesIntact(ZeroFillDisk disk, string because)
    {
        using (var gpt = disk.Open())
            Assert.True(gpt.RecoveryMessage is null, $"{because}: {gpt.RecoveryMessage}");
        var (primary, backup, header) = disk.ReadTables();
        AssertSameBytes(primary, backup, $"{because}: backup partition entries right after the last slot");
        Assert.True(header.AsSpan(0, 8).SequenceEqual("EFI PART"u8), $"{because}: the backup header after them lost its signature");
        if (disk.OnLoopDevice || disk.SectorSize == 512)
            Sfdisk.AssertVerifyClean(disk.DiskPath, because);
        else
            output.WriteLine($"{because}: sfdisk --verify needs a loop device for 4096-byte sectors; the loop variant runs it");
    }

    private static void AssertSameBytes(byte[] expected, byte[] actual, string because)
    {
        Assert.True(expected.Length == actual.Length, $"{because}: {actual.Length} bytes, expected {expected.Length}");
        int first = expected.AsSpan().CommonPrefixLength(actual);
        Assert.True(first == expected.Length,
            $"{because}: differs from byte {first} on (expected 0x{expected[Math.Min(first, expected.Length - 1)]:x2}, found 0x{actual[Math.Min(first, actual.Length - 1)]:x2})");
    }
}
