using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace SysUpdate.Core.Disk;

/// <summary>
/// Test-only kill switches for crash-safety tests: when the environment variable
/// <see cref="EnvironmentVariable"/> names a point, the process kills itself with SIGKILL on reaching it,
/// as a power loss would stop it (no finally blocks, no flush). Nothing is read or kept unless a point is
/// reached; with the variable unset every check is one environment lookup.
/// </summary>
/// <remarks>
/// Points, in the order a partition update passes them: <see cref="BeforeMarkPartial"/>,
/// <see cref="AfterMarkPartial"/>, <see cref="MidPayload"/>, <see cref="AfterPayload"/>,
/// <see cref="AfterMarkPending"/>, <see cref="BeforeCommit"/>, <see cref="AfterCommit"/>; and
/// <see cref="BetweenTableWrites"/> inside every GPT write (after the backup table, before the primary),
/// optionally narrowed to one step as <c>between-table-writes:STEP</c> with STEP one of
/// <c>mark-partial</c>, <c>mark-pending</c>, <c>commit</c>, <c>vacuum</c>.
/// </remarks>
internal static class CrashPoints
{
    /// <summary>Names the point to crash at.</summary>
    public const string EnvironmentVariable = "SYSUPDATE_TEST_CRASH_AT";

    /// <summary>For <see cref="MidPayload"/>: decoded bytes after which to crash (default: half the known
    /// payload size, else 1 MiB).</summary>
    public const string AfterBytesVariable = "SYSUPDATE_TEST_CRASH_AFTER_BYTES";

    public const string BeforeMarkPartial = "before-mark-partial";
    public const string AfterMarkPartial = "after-mark-partial";
    public const string MidPayload = "mid-payload";
    public const string AfterPayload = "after-payload";
    public const string AfterMarkPending = "after-mark-pending";
    public const string BeforeCommit = "before-commit";
    public const string AfterCommit = "after-commit";
    public const string BetweenTableWrites = "between-table-writes";

    /// <summary>True when the variable names exactly <paramref name="point"/>.</summary>
    public static bool IsArmed(string point) =>
        string.Equals(Environment.GetEnvironmentVariable(EnvironmentVariable), point, StringComparison.Ordinal);

    /// <summary>Crashes if the variable names <paramref name="point"/>.</summary>
    public static void Hit(string point)
    {
        if (IsArmed(point))
            Crash(point);
    }

    /// <summary>Crashes if the variable names <paramref name="point"/> or <c>point:step</c>.</summary>
    public static void Hit(string point, string? step)
    {
        string? armed = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (armed is null)
            return;
        if (armed == point || (step is not null && armed == $"{point}:{step}"))
            Crash(armed);
    }

    /// <summary>The <see cref="AfterBytesVariable"/> value, or <paramref name="fallback"/>.</summary>
    public static long AfterBytes(long fallback) =>
        long.TryParse(Environment.GetEnvironmentVariable(AfterBytesVariable), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out long n) ? n : fallback;

    /// <summary>SIGKILLs this process.</summary>
    [DoesNotReturn]
    public static void Crash(string point)
    {
        using (var self = Process.GetCurrentProcess())
            self.Kill();
        Environment.FailFast($"crash point {point}: SIGKILL did not stop the process");
    }
}
