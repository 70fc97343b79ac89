using SysUpdate.Core.Disk;
using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>
/// Power loss during an A/B update, simulated with the test-only <c>SYSUPDATE_TEST_CRASH_AT</c> kill switch
/// (SIGKILL, exit 137) at every point a partition update passes. Each run starts from a fresh image with v1
/// installed in slot A and v2 published; after the kill the table must still be readable and clean to
/// sfdisk, v1 intact and listed as installed, no slot may carry v2's label with the plain configured type
/// unless it holds all of v2, and the product's own recovery (a plain <c>update</c>, preceded by
/// <c>vacuum</c> where the set is partial, as upstream demands) must end with v2 installed byte for byte.
/// </summary>
public sealed class PartitionCrashTests(ITestOutputHelper output)
{
    private static readonly Guid UsrPartial = GptPartitionTypes.DerivePartialType(AbDisk.UsrType);
    private static readonly Guid UsrPending = GptPartitionTypes.DerivePendingType(AbDisk.UsrType);
    private static readonly Guid VerityPending = GptPartitionTypes.DerivePendingType(AbDisk.VerityType);

    public enum After
    {
        /// <summary>Nothing visible changed: slot B still free.</summary>
        Untouched,

        /// <summary>usr slot B claimed (label usr_v2, partial type); verity not started.</summary>
        UsrPartial,

        /// <summary>usr slot B pending (complete and verified); verity not started.</summary>
        UsrPending,

        /// <summary>Both B slots pending.</summary>
        BothPending,

        /// <summary>usr slot B installed, verity B still pending.</summary>
        UsrCommitted,
    }

    [Theory]
    [InlineData(CrashPoints.BeforeMarkPartial, After.Untouched, null)]
    [InlineData(CrashPoints.AfterMarkPartial, After.UsrPartial, null)]
    [InlineData(CrashPoints.MidPayload, After.UsrPartial, null)]
    [InlineData(CrashPoints.AfterPayload, After.UsrPartial, null)]
    [InlineData(CrashPoints.AfterMarkPending, After.UsrPending, null)]
    [InlineData(CrashPoints.BeforeCommit, After.BothPending, null)]
    [InlineData(CrashPoints.AfterCommit, After.UsrCommitted, null)]
    // Between the backup and the primary table write: the primary (still valid) shows the old state, the
    // backup the new one (the last argument).
    [InlineData(CrashPoints.BetweenTableWrites, After.Untouched, After.UsrPartial)]
    [InlineData(CrashPoints.BetweenTableWrites + ":mark-partial", After.Untouched, After.UsrPartial)]
    [InlineData(CrashPoints.BetweenTableWrites + ":mark-pending", After.UsrPartial, After.UsrPending)]
    [InlineData(CrashPoints.BetweenTableWrites + ":commit", After.BothPending, After.UsrCommitted)]
    public async Task Update_KilledAt_LeavesV1IntactAndRecoversToV2(string point, After expected, After? expectedBackup)
    {
        using var disk = new AbDisk(512);
        var v1 = disk.Publish("v1");
        (await disk.RunAsync("update")).ShouldExit(0);
        var v2 = disk.Publish("v2");

        var crashed = await disk.RunCrashingAtAsync(point, "update");
        crashed.ShouldExit(137);
        output.WriteLine($"{point}: killed; stderr tail: {crashed.ErrorLines.LastOrDefault()}");

        string because = $"after a kill at {point}";
        disk.AssertTablesAgree(because, output.WriteLine);
        using (var gpt = disk.Open())
        {
            disk.AssertInstalled(gpt, v1, AbDisk.UsrA, AbDisk.VerityA, because);
            disk.AssertEspUntouched(gpt, because);
            AssertNoFalseV2(disk, gpt, v2, because);
            AssertState(disk, gpt, v2, expected, point, because);
        }
        if (expectedBackup is { } backupState)
        {
            using var backup = OpenBackupView(disk);
            AssertState(disk, backup, v2, backupState, point, $"{because}, backup table");
        }

        var v1Detail = (await disk.RunAsync("--offline", "--json=short", "list", "v1")).ShouldExit(0);
        Assert.Contains("\"installed\":true", v1Detail.StandardOutput, StringComparison.Ordinal);
        var listed = (await disk.RunAsync("--offline", "--json=short", "list")).ShouldExit(0);
        Assert.Contains("\"v1\"", listed.StandardOutput, StringComparison.Ordinal);

        // Recovery as the product demands it: a set with a partial slot, or with one transfer pending and
        // the other never acquired, must be vacuumed first (upstream's EUCLEAN refusal).
        if (expected is After.UsrPartial or After.UsrPending)
        {
            var refused = (await disk.RunAsync("update")).ShouldExit(1);
            string line = refused.ErrorLines[^1];
            Assert.StartsWith("Selected update 'v2' is ", line, StringComparison.Ordinal);
            Assert.EndsWith("Vacuum it to try installing again.", line, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", refused.StandardError, StringComparison.Ordinal);
            (await disk.RunAsync("vacuum")).ShouldExit(0);
            using var vacuumed = disk.Open();
            disk.AssertSlot(vacuumed, AbDisk.UsrB, AbDisk.UsrType, "_empty", null, "after vacuum");
        }
        var recovered = (await disk.RunAsync("update")).ShouldExit(0);
        Assert.Contains("Successfully installed update 'v2'", recovered.StandardError + recovered.StandardOutput, StringComparison.Ordinal);

        because = $"after recovering from a kill at {point}";
        using (var gpt = disk.Open())
        {
            disk.AssertInstalled(gpt, v1, AbDisk.UsrA, AbDisk.VerityA, because);
            disk.AssertInstalled(gpt, v2, AbDisk.UsrB, AbDisk.VerityB, because);
            disk.AssertEspUntouched(gpt, because);
        }
        disk.AssertTablesAgree(because, output.WriteLine);
        var list = (await disk.RunAsync("--offline", "--json=short", "list")).ShouldExit(0);
        Assert.Equal("""{"current":"v2","all":["v2","v1"],"appstreamUrls":[]}""", list.StandardOutput.Trim());
    }

    [Fact]
    public async Task Update_KilledBetweenTableWritesOfVacuum_KeepsBothVersionsAndRecoversToV3()
    {
        using var disk = new AbDisk(512);
        var v1 = disk.Publish("v1");
        (await disk.RunAsync("update")).ShouldExit(0);
        var v2 = disk.Publish("v2");
        (await disk.RunAsync("update")).ShouldExit(0);
        var v3 = disk.Publish("v3");

        string point = CrashPoints.BetweenTableWrites + ":vacuum";
        (await disk.RunCrashingAtAsync(point, "update")).ShouldExit(137);

        string because = $"after a kill at {point}";
        disk.AssertTablesAgree(because, output.WriteLine);
        using (var gpt = disk.Open())
        {
            disk.AssertInstalled(gpt, v1, AbDisk.UsrA, AbDisk.VerityA, because);
            disk.AssertInstalled(gpt, v2, AbDisk.UsrB, AbDisk.VerityB, because);
            disk.AssertEspUntouched(gpt, because);
        }
        using (var backup = OpenBackupView(disk))
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

    /// <summary>No slot may look installed as v2 (plain configured type, v2's label) without holding all of v2.</summary>
    private static void AssertNoFalseV2(AbDisk disk, GptDisk gpt, Release v2, string because)
    {
        foreach (var p in gpt.Partitions)
        {
            if (p.Type == AbDisk.UsrType && p.Name == v2.UsrLabel)
                disk.AssertSlot(gpt, p.Number, AbDisk.UsrType, v2.UsrLabel, v2.Usr, $"{because}: a slot claims to be v2");
            if (p.Type == AbDisk.VerityType && p.Name == v2.VerityLabel)
                disk.AssertSlot(gpt, p.Number, AbDisk.VerityType, v2.VerityLabel, v2.Verity, $"{because}: a slot claims to be v2");
        }
    }

    private static void AssertState(AbDisk disk, GptDisk gpt, Release v2, After state, string point, string because)
    {
        byte[] emptyUsr = new byte[AbDisk.UsrSlotSize], emptyVerity = new byte[AbDisk.VeritySlotSize];
        switch (state)
        {
            case After.Untouched:
                disk.AssertSlot(gpt, AbDisk.UsrB, AbDisk.UsrType, "_empty", emptyUsr, because);
                disk.AssertSlot(gpt, AbDisk.VerityB, AbDisk.VerityType, "_empty", emptyVerity, because);
                break;
            case After.UsrPartial:
                // Payload bytes: none yet, half, or all, depending on the point.
                byte[]? content = point switch
                {
                    CrashPoints.AfterMarkPartial => emptyUsr,
                    CrashPoints.AfterPayload => v2.Usr,
                    _ => null,
                };
                disk.AssertSlot(gpt, AbDisk.UsrB, UsrPartial, v2.UsrLabel, content, because);
                disk.AssertSlot(gpt, AbDisk.VerityB, AbDisk.VerityType, "_empty", emptyVerity, because);
                if (point == CrashPoints.MidPayload)
                {
                    byte[] slot = disk.ReadSlot(gpt.FindPartition(AbDisk.UsrB)!);
                    Assert.True(slot.AsSpan(0, 4096).SequenceEqual(v2.Usr.AsSpan(0, 4096)), $"{because}: the payload had not started");
                    Assert.True(slot.AsSpan(slot.Length * 3 / 4).IndexOfAnyExcept((byte)0) < 0, $"{because}: the payload was not cut off mid-way");
                }
                break;
            case After.UsrPending:
                disk.AssertSlot(gpt, AbDisk.UsrB, UsrPending, v2.UsrLabel, v2.Usr, because);
                disk.AssertSlot(gpt, AbDisk.VerityB, AbDisk.VerityType, "_empty", emptyVerity, because);
                break;
            case After.BothPending:
                disk.AssertSlot(gpt, AbDisk.UsrB, UsrPending, v2.UsrLabel, v2.Usr, because);
                disk.AssertSlot(gpt, AbDisk.VerityB, VerityPending, v2.VerityLabel, v2.Verity, because);
                break;
            case After.UsrCommitted:
                disk.AssertSlot(gpt, AbDisk.UsrB, AbDisk.UsrType, v2.UsrLabel, v2.Usr, because);
                disk.AssertSlot(gpt, AbDisk.VerityB, VerityPending, v2.VerityLabel, v2.Verity, because);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(state));
        }
    }

    /// <summary>The backup table as our reader sees it: a copy of the image with the primary header spoiled.</summary>
    private static GptDisk OpenBackupView(AbDisk disk)
    {
        string copy = disk.Image + ".backup-view";
        File.Copy(disk.Image, copy, overwrite: true);
        using (var stream = new FileStream(copy, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = disk.SectorSize + 0x38; // disk GUID in the primary header: CRC mismatch
            int b = stream.ReadByte();
            stream.Position = disk.SectorSize + 0x38;
            stream.WriteByte((byte)(b ^ 0xFF));
        }
        var view = GptDisk.Open(copy, writable: false);
        Assert.True(view.RecoveredFromBackup, "the backup view must come from the backup table");
        File.Delete(copy);
        return view;
    }
}
