using System.Globalization;
using System.Text.RegularExpressions;

namespace SysUpdate.Integration.Tests.Faults.Support;

/// <summary>
/// When a kill campaign sends SIGKILL: a condition on what the running process shows (its partial
/// file or tree reaching a size, a progress line, the pending entry appearing) plus an optional
/// extra delay, or a plain delay after the start. Chosen from a seeded <see cref="Random"/>.
/// </summary>
internal sealed partial record KillMoment(string Description, Func<WatchedRun, Task<bool>> WaitAsync)
{
    public override string ToString() => Description;

    /// <summary>When the partial entry below <paramref name="targetDirectory"/> holds at least <paramref name="bytes"/> bytes.</summary>
    public static KillMoment PartialSize(string targetDirectory, long bytes) =>
        new($"partial ≥ {bytes} bytes", run => run.WaitUntilAsync(() => TargetWatch.PartialBytes(targetDirectory) >= bytes));

    /// <summary>When the <c>.sysupdate.pending.*</c> entry appears, then <paramref name="delayMs"/> ms later.</summary>
    public static KillMoment PendingAppears(string targetDirectory, int delayMs) =>
        new($"pending entry + {delayMs} ms", async run =>
        {
            bool seen = await run.WaitUntilAsync(() => TargetWatch.HasPending(targetDirectory));
            await Task.Delay(delayMs);
            return seen;
        });

    /// <summary>When a progress line of <paramref name="percent"/>% or more is printed, then <paramref name="delayMs"/> ms later.</summary>
    public static KillMoment ProgressLine(int percent, int delayMs) =>
        new($"progress ≥ {percent}% + {delayMs} ms", async run =>
        {
            bool seen = await run.WaitForLineAsync(line => ProgressPercent(line) >= percent);
            await Task.Delay(delayMs);
            return seen;
        });

    /// <summary><paramref name="delayMs"/> ms after the start.</summary>
    public static KillMoment AfterStart(int delayMs) =>
        new($"{delayMs} ms after start", async run =>
        {
            await Task.Delay(delayMs);
            return !run.HasExited;
        });

    /// <summary>When partition <paramref name="label"/> appears in the table of <paramref name="disk"/>, then <paramref name="delayMs"/> ms later.</summary>
    public static KillMoment SlotLabelled(string disk, string label, int delayMs) =>
        new($"slot {label} claimed + {delayMs} ms", async run =>
        {
            bool seen = await run.WaitUntilAsync(() => TargetWatch.SlotLabelled(disk, label));
            await Task.Delay(delayMs);
            return seen;
        });

    /// <summary>
    /// A moment for a file or directory target: what stderr shows, or the partial entry reaching a
    /// random size or its full size (the window between the last byte and the rename), or the pending
    /// entry appearing (the window before the install).
    /// </summary>
    public static KillMoment ForFileSystem(Random random, string targetDirectory, long payloadBytes) => random.Next(6) switch
    {
        0 => ProgressLine(random.Next(1, 11) * 10, random.Next(0, 60)),
        1 => AfterStart(random.Next(0, 1500)),
        2 => ProgressLine(100, random.Next(0, 40)),
        3 => PartialSize(targetDirectory, (long)(payloadBytes * random.NextDouble())),
        4 => PartialSize(targetDirectory, payloadBytes),
        _ => PendingAppears(targetDirectory, random.Next(0, 15)),
    };

    /// <summary>
    /// A moment for a partition target: what stderr shows, or the slot being claimed under the new
    /// version's label (read from the disk image's table) plus a delay reaching into the write and the commit.
    /// </summary>
    public static KillMoment ForPartition(Random random, string disk, string label) => random.Next(4) switch
    {
        0 => ProgressLine(random.Next(1, 11) * 10, random.Next(0, 60)),
        1 => AfterStart(random.Next(0, 1500)),
        2 => ProgressLine(100, random.Next(0, 40)),
        _ => SlotLabelled(disk, label, random.Next(0, 1200)),
    };

    /// <summary>The percentage of a plain progress line ("10-usr: 40% (…)"), else -1.</summary>
    public static int ProgressPercent(string line)
    {
        var match = Progress().Match(line);
        return match.Success ? int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture) : -1;
    }

    [GeneratedRegex(@"^\S+: ([0-9]{1,3})% \(")]
    private static partial Regex Progress();
}
