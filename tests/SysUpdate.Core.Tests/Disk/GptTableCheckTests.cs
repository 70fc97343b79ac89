using SysUpdate.Core.Disk;

namespace SysUpdate.Core.Tests.Disk;

public sealed class GptTableCheckTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private static readonly Guid Type = GptPartitionTypes.LinuxGeneric;

    private readonly string _dir = DiskTestSupport.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static GptPartition Entry(int number, ulong first, ulong last, string name = "p") =>
        new(number, Type, Guid.NewGuid(), first, last, 0, name);

    [Theory]
    // first entry, second entry: overlapping or not
    [InlineData(100, 199, 200, 299, false)] // adjacent
    [InlineData(100, 199, 199, 299, true)]  // one shared sector
    [InlineData(100, 299, 150, 160, true)]  // nested
    [InlineData(200, 299, 100, 200, true)]  // listed out of order
    [InlineData(100, 100, 100, 100, true)]  // the same single sector
    public void Find_TwoEntries_ReportsOverlapExactlyWhenTheyShareASector(ulong a1, ulong a2, ulong b1, ulong b2, bool overlap)
    {
        var problems = GptTableCheck.Find([Entry(1, a1, a2), Entry(2, b1, b2)], 34, 10_000);

        if (!overlap)
        {
            Assert.Empty(problems);
            return;
        }
        var problem = Assert.Single(problems);
        Assert.Equal(GptLayoutProblemKind.Overlap, problem.Kind);
        Assert.Equal(1, problem.Entry.Number);
        Assert.Equal(2, problem.Other!.Number);
    }

    [Theory]
    [InlineData(33, 100)]   // starts in the primary entry array
    [InlineData(9_000, 10_001)] // ends in the backup entry array
    [InlineData(20_000, 20_100)] // beyond the disk
    public void Find_EntryOutsideUsableRange_Reported(ulong first, ulong last)
    {
        var problem = Assert.Single(GptTableCheck.Find([Entry(3, first, last, "x")], 34, 10_000));
        Assert.Equal(GptLayoutProblemKind.OutsideUsableRange, problem.Kind);
        Assert.Equal(3, problem.Entry.Number);
    }

    [Fact]
    public void Find_ManyEntriesOneChainOfOverlaps_ReportsEachOverlappingEntryOnce()
    {
        var entries = Enumerable.Range(1, 1000).Select(i => Entry(i, (ulong)(i * 10), (ulong)(i * 10) + 15)).ToList();
        var problems = GptTableCheck.Find(entries, 0, ulong.MaxValue);
        Assert.Equal(999, problems.Count);
        Assert.All(problems, p => Assert.Equal(p.Entry.Number + 1, p.Other!.Number));
    }

    [Fact]
    public void Describe_NamesNumbersAndLabels()
    {
        var problems = GptTableCheck.Find([Entry(2, 100, 199, "usr_1"), Entry(4, 150, 300, "_empty")], 34, 10_000);
        Assert.StartsWith("entries 2 (usr_1) and 4 (_empty) overlap", GptTableCheck.Describe(problems, 34, 10_000), StringComparison.Ordinal);
    }

    [Fact]
    public void Open_OverlappingEntries_WritableRefusedReadOnlyWarns()
    {
        string image = Path.Combine(_dir, "disk.img");
        GptImageBuilder.Create(image, 8 * MiB,
        [
            new GptPartitionSpec(Type, "usr_1", 2 * MiB),
            new GptPartitionSpec(Type, "_empty", 2 * MiB) { FirstLba = 2 * MiB / 512 }, // entry 1 spans 1..3 MiB
        ]);
        string before = DiskTestSupport.Sha256(image);

        var error = Assert.Throws<GptLayoutException>(() => GptDisk.Open(image, writable: true));
        Assert.Equal(image, error.Disk);
        var problem = Assert.Single(error.Problems);
        Assert.Equal((1, 2), (problem.Entry.Number, problem.Other!.Number));
        Assert.StartsWith($"{image}: GPT entries 1 (usr_1) and 2 (_empty) overlap", error.Message, StringComparison.Ordinal);

        using (var disk = GptDisk.Open(image, writable: false))
        {
            Assert.Equal(2, disk.Partitions.Count);
            Assert.Single(disk.LayoutProblems);
            Assert.StartsWith($"{image}: GPT entries 1 (usr_1) and 2 (_empty) overlap", disk.LayoutWarning, StringComparison.Ordinal);
        }
        Assert.Equal(before, DiskTestSupport.Sha256(image));
    }

    [SfdiskFact]
    public void Open_OverlappingEntries_SfdiskVerifyAgreesTheTableIsBad()
    {
        string image = Path.Combine(_dir, "disk.img");
        GptImageBuilder.Create(image, 8 * MiB,
        [
            new GptPartitionSpec(Type, "usr_1", 2 * MiB),
            new GptPartitionSpec(Type, "_empty", 2 * MiB) { FirstLba = 2 * MiB / 512 }, // entry 1 spans 1..3 MiB
        ]);
        var (exit, output) = DiskTestSupport.SfdiskVerify(image);
        Assert.True(exit != 0 || output.Contains("overlap", StringComparison.OrdinalIgnoreCase), output);
    }

    [Fact]
    public void Open_EntryBeyondLastUsableLba_WritableRefused()
    {
        string image = Path.Combine(_dir, "disk.img");
        ulong lastUsable;
        GptImageBuilder.Create(image, 8 * MiB, [new GptPartitionSpec(Type, "_empty", 1 * MiB)]);
        using (var disk = GptDisk.Open(image, writable: false))
            lastUsable = disk.LastUsableLba;
        GptImageBuilder.Create(image, 8 * MiB,
        [
            new GptPartitionSpec(Type, "_empty", 1 * MiB),
            new GptPartitionSpec(Type, "_empty", 1 * MiB) { FirstLba = lastUsable - 100 },
        ]);

        var error = Assert.Throws<GptLayoutException>(() => GptDisk.Open(image, writable: true));
        var problem = Assert.Single(error.Problems);
        Assert.Equal(GptLayoutProblemKind.OutsideUsableRange, problem.Kind);
        Assert.Equal(2, problem.Entry.Number);
    }

    [Fact]
    public void Open_CleanTable_NoProblems()
    {
        string image = Path.Combine(_dir, "disk.img");
        GptImageBuilder.Create(image, 8 * MiB, [new GptPartitionSpec(Type, "a", 1 * MiB), new GptPartitionSpec(Type, "b", 1 * MiB)]);
        using var disk = GptDisk.Open(image, writable: true);
        Assert.Empty(disk.LayoutProblems);
        Assert.Null(disk.LayoutWarning);
    }
}
