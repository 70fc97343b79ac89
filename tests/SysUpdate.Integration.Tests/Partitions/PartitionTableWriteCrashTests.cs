using SysUpdate.Core.Disk;
using SysUpdate.Core.Faults;
using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>
/// Kills between the backup and the primary table write of a GPT change: the primary (still valid) must
/// show the old state, the backup the new one, sfdisk must find nothing wrong, and the next run must carry
/// on from the old state. The kills come from the test-only <see cref="Support.CrashHost"/>.
/// </summary>
public sealed class PartitionTableWriteCrashTests(ITestOutputHelper output)
{
    /// <summary>Every table write an update makes, of any kind: armed together, the first one reached is killed.</summary>
    private const string AnyTableWrite = "any";

    private static readonly CrashStep[] TableWrites =
    [
        CrashStep.MarkPartialBetweenTableWrites, CrashStep.MarkPendingBetweenTableWrites,
        CrashStep.CommitBetweenTableWrites, CrashStep.VacuumBetweenTableWrites,
    ];

    [Theory]
    [InlineData(AnyTableWrite, CrashState.Untouched, CrashState.UsrPartial)]
    [InlineData(nameof(CrashStep.MarkPartialBetweenTableWrites), CrashState.Untouched, CrashState.UsrPartial)]
    [InlineData(nameof(CrashStep.MarkPendingBetweenTableWrites), CrashState.UsrPartial, CrashState.UsrPending)]
    [InlineData(nameof(CrashStep.CommitBetweenTableWrites), CrashState.BothPending, CrashState.UsrCommitted)]
    public Task Update_KilledBetweenTableWrites_PrimaryOldBackupNewAndRecoversToV2(string step, CrashState primary, CrashState backup) =>
        CrashScenario.KillAndRecoverAsync(step == AnyTableWrite ? TableWrites : [Enum.Parse<CrashStep>(step)], primary, backup, output.WriteLine);

    [Fact]
    public async Task Update_KilledBetweenTableWritesOfVacuum_KeepsBothVersionsAndRecoversToV3()
    {
        using var disk = new AbDisk(512);
        var v1 = disk.Publish("v1");
        (await disk.RunAsync("update")).ShouldExit(0);
        var v2 = disk.Publish("v2");
        (await disk.RunAsync("update")).ShouldExit(0);
        var v3 = disk.Publish("v3");

        const CrashStep point = CrashStep.VacuumBetweenTableWrites;
        (await disk.RunCrashingAtAsync([point], "update")).ShouldExit(137);

        string because = $"after a kill at {point}";
        disk.AssertTablesAgree(because, output.WriteLine);
        using (var gpt = disk.Open())
        {
            disk.AssertInstalled(gpt, v1, AbDisk.UsrA, AbDisk.VerityA, because);
            disk.AssertInstalled(gpt, v2, AbDisk.UsrB, AbDisk.VerityB, because);
            disk.AssertEspUntouched(gpt, because);
        }
        using (var backup = CrashScenario.OpenBackupView(disk))
        {
            // The backup already has v1's usr slot freed (contents stay).
            disk.AssertSlot(backup, AbDisk.UsrA, AbDisk.UsrType, "_empty", v1.Usr, $"{because}, backup table");
        }
        var listed = (await disk.RunAsync("--offline", "--json=short", "list")).ShouldExit(0);
        Assert.Equal("""{"current":"v2","all":["v2","v1"],"appstreamUrls":[]}""", listed.StandardOutput.Trim());

        (await disk.RunAsync("update")).ShouldExit(0);
        because = $"after recovering from a kill at {point}";
        using (var gpt = disk.Open())
        {
            disk.AssertInstalled(gpt, v3, AbDisk.UsrA, AbDisk.VerityA, because);
            disk.AssertInstalled(gpt, v2, AbDisk.UsrB, AbDisk.VerityB, because);
        }
        disk.AssertTablesAgree(because, output.WriteLine);
    }
}
