using SysUpdate.Core.Faults;
using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>
/// Power loss during an A/B update, simulated by the test-only <see cref="Support.CrashHost"/> SIGKILLing itself
/// (exit 137) at each step a partition update passes (see <see cref="CrashScenario"/> for what every kill must
/// leave behind and how it is recovered). The kills inside a table write are in
/// <see cref="PartitionTableWriteCrashTests"/>.
/// </summary>
/// <remarks>Steps are passed by name: <see cref="CrashStep"/> is internal to the product and test methods are public.</remarks>
public sealed class PartitionCrashTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(nameof(CrashStep.BeforeMarkPartial), CrashState.Untouched)]
    [InlineData(nameof(CrashStep.AfterMarkPartial), CrashState.UsrPartial)]
    [InlineData(nameof(CrashStep.MidPayload), CrashState.UsrPartial)]
    [InlineData(nameof(CrashStep.AfterPayload), CrashState.UsrPartial)]
    [InlineData(nameof(CrashStep.AfterMarkPending), CrashState.UsrPending)]
    [InlineData(nameof(CrashStep.BeforeCommit), CrashState.BothPending)]
    [InlineData(nameof(CrashStep.AfterCommit), CrashState.UsrCommitted)]
    public Task Update_KilledAt_LeavesV1IntactAndRecoversToV2(string step, CrashState expected) =>
        CrashScenario.KillAndRecoverAsync([Enum.Parse<CrashStep>(step)], expected, expectedBackup: null, output.WriteLine);
}
