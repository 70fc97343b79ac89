using SysUpdate.Core.Disk;
using SysUpdate.Core.Faults;

namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>
/// One crash scenario: a fresh image with v1 installed in the A slots, v2 published, <c>update</c> killed at
/// a point; then the checks every kill must pass and the product's own recovery to v2.
/// </summary>
internal static class CrashScenario
{
    private static readonly Guid UsrPartial = GptPartitionTypes.DerivePartialType(AbDisk.UsrType);
    private static readonly Guid UsrPending = GptPartitionTypes.DerivePendingType(AbDisk.UsrType);
    private static readonly Guid VerityPending = GptPartitionTypes.DerivePendingType(AbDisk.VerityType);

    /// <summary>
    /// Kills <c>update</c> (v1 → v2) at the first of <paramref name="steps"/> it reaches (exit 137); asserts sfdisk finds the table
    /// clean and agrees with our reader, v1 is intact and listed as installed, no slot falsely claims v2,
    /// and the primary (and, if given, the backup) table shows the expected state; then recovers with a
    /// plain <c>update</c> and asserts v2 is installed byte for byte.
    /// </summary>
    public static async Task KillAndRecoverAsync(IReadOnlyList<CrashStep> steps, CrashState expected, CrashState? expectedBackup, Action<string> output)
    {
        string point = string.Join(',', steps);
        using var disk = new AbDisk(512);
        var v1 = disk.Publish("v1");
        (await disk.RunAsync("update")).ShouldExit(0);
        var v2 = disk.Publish("v2");

        var crashed = await disk.RunCrashingAtAsync(steps, "update");
        crashed.ShouldExit(137);
        output($"{point}: killed; stderr tail: {crashed.ErrorLines.LastOrDefault()}");

        string because = $"after a kill at {point}";
        disk.AssertTablesAgree(because, output);
        using (var gpt = disk.Open())
        {
            disk.AssertInstalled(gpt, v1, AbDisk.UsrA, AbDisk.VerityA, because);
            disk.AssertEspUntouched(gpt, because);
            AssertNoFalseV2(disk, gpt, v2, because);
            AssertState(disk, gpt, v2, expected, steps, because);
        }
        if (expectedBackup is { } backupState)
        {
            using var backup = OpenBackupView(disk);
            AssertState(disk, backup, v2, backupState, steps, $"{because}, backup table");
        }

        var v1Detail = (await disk.RunAsync("--offline", "--json=short", "list", "v1")).ShouldExit(0);
        Assert.Contains("\"installed\":true", v1Detail.StandardOutput, StringComparison.Ordinal);
        var listed = (await disk.RunAsync("--offline", "--json=short", "list")).ShouldExit(0);
        Assert.Contains("\"v1\"", listed.StandardOutput, StringComparison.Ordinal);

        // Recovery is a plain update: the killed run's lock is free and it recorded no hash verdict, so its
        // partial or half-pending set is redone without a manual vacuum (upstream #42187).
        var recovered = (await disk.RunAsync("update")).ShouldExit(0);
        Assert.Contains("Successfully installed update 'v2'", recovered.StandardError + recovered.StandardOutput, StringComparison.Ordinal);
        if (expected is CrashState.UsrPartial or CrashState.UsrPending)
            Assert.Contains("left unfinished by an interrupted run", recovered.StandardError, StringComparison.Ordinal);

        because = $"after recovering from a kill at {point}";
        using (var gpt = disk.Open())
        {
            disk.AssertInstalled(gpt, v1, AbDisk.UsrA, AbDisk.VerityA, because);
            disk.AssertInstalled(gpt, v2, AbDisk.UsrB, AbDisk.VerityB, because);
            disk.AssertEspUntouched(gpt, because);
        }
        disk.AssertTablesAgree(because, output);
        var list = (await disk.RunAsync("--offline", "--json=short", "list")).ShouldExit(0);
        Assert.Equal("""{"current":"v2","all":["v2","v1"],"appstreamUrls":[]}""", list.StandardOutput.Trim());
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

    private static void AssertState(AbDisk disk, GptDisk gpt, Release v2, CrashState state, IReadOnlyList<CrashStep> steps, string because)
    {
        byte[] emptyUsr = new byte[AbDisk.UsrSlotSize], emptyVerity = new byte[AbDisk.VeritySlotSize];
        switch (state)
        {
            case CrashState.Untouched:
                disk.AssertSlot(gpt, AbDisk.UsrB, AbDisk.UsrType, "_empty", emptyUsr, because);
                disk.AssertSlot(gpt, AbDisk.VerityB, AbDisk.VerityType, "_empty", emptyVerity, because);
                break;
            case CrashState.UsrPartial:
                // Payload bytes: none yet, half, or all, depending on the point.
                byte[]? content = steps switch
                {
                    [CrashStep.AfterMarkPartial] => emptyUsr,
                    [CrashStep.AfterPayload] => v2.Usr,
                    _ => null,
                };
                disk.AssertSlot(gpt, AbDisk.UsrB, UsrPartial, v2.UsrLabel, content, because);
                disk.AssertSlot(gpt, AbDisk.VerityB, AbDisk.VerityType, "_empty", emptyVerity, because);
                if (steps is [CrashStep.MidPayload])
                {
                    byte[] slot = disk.ReadSlot(gpt.FindPartition(AbDisk.UsrB)!);
                    // Writes are issued asynchronously, so at the kill the first chunk may or may not
                    // have reached the slot; either way the bytes there are v2's or still zero, never other.
                    bool started = slot.AsSpan(0, 4096).SequenceEqual(v2.Usr.AsSpan(0, 4096));
                    Assert.True(started || slot.AsSpan(0, 4096).IndexOfAnyExcept((byte)0) < 0, $"{because}: the slot holds bytes that are not v2's");
                    Assert.True(slot.AsSpan(slot.Length * 3 / 4).IndexOfAnyExcept((byte)0) < 0, $"{because}: the payload was not cut off mid-way");
                }
                break;
            case CrashState.UsrPending:
                disk.AssertSlot(gpt, AbDisk.UsrB, UsrPending, v2.UsrLabel, v2.Usr, because);
                disk.AssertSlot(gpt, AbDisk.VerityB, AbDisk.VerityType, "_empty", emptyVerity, because);
                break;
            case CrashState.BothPending:
                disk.AssertSlot(gpt, AbDisk.UsrB, UsrPending, v2.UsrLabel, v2.Usr, because);
                disk.AssertSlot(gpt, AbDisk.VerityB, VerityPending, v2.VerityLabel, v2.Verity, because);
                break;
            case CrashState.UsrCommitted:
                disk.AssertSlot(gpt, AbDisk.UsrB, AbDisk.UsrType, v2.UsrLabel, v2.Usr, because);
                disk.AssertSlot(gpt, AbDisk.VerityB, VerityPending, v2.VerityLabel, v2.Verity, because);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(state));
        }
    }

    /// <summary>The backup table as our reader sees it: a copy of the image with the primary header spoiled.</summary>
    public static GptDisk OpenBackupView(AbDisk disk)
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
