using SysUpdate.Core.Disk;
using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>
/// Power loss during an A/B update, simulated with the test-only <c>SYSUPDATE_TEST_CRASH_AT</c> kill switch
/// (SIGKILL, exit 137) at each step a partition update passes (see <see cref="CrashScenario"/> for what
/// every kill must leave behind and how it is recovered). The kills inside a table write are in
/// <see cref="PartitionTableWriteCrashTests"/>.
/// </summary>
public sealed class PartitionCrashTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(CrashPoints.BeforeMarkPartial, CrashState.Untouched)]
    [InlineData(CrashPoints.AfterMarkPartial, CrashState.UsrPartial)]
    [InlineData(CrashPoints.MidPayload, CrashState.UsrPartial)]
    [InlineData(CrashPoints.AfterPayload, CrashState.UsrPartial)]
    [InlineData(CrashPoints.AfterMarkPending, CrashState.UsrPending)]
    [InlineData(CrashPoints.BeforeCommit, CrashState.BothPending)]
    [InlineData(CrashPoints.AfterCommit, CrashState.UsrCommitted)]
    public Task Update_KilledAt_LeavesV1IntactAndRecoversToV2(string point, CrashState expected) =>
        CrashScenario.KillAndRecoverAsync(point, expected, expectedBackup: null, output.WriteLine);
}
