using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Faults.Support;

/// <summary>
/// The seed of a randomized fault test: <c>FAULTS_SEED</c> from the test's environment to replay a
/// failure, else a fresh one. Written to the test output (and put in every failure message by the
/// callers) so a failing run can be repeated.
/// </summary>
internal static class FaultSeed
{
    public const string Variable = "FAULTS_SEED";

    public static int Next(ITestOutputHelper output)
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable(Variable), out int fixedSeed) ? fixedSeed : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay with {Variable}={seed})");
        return seed;
    }
}
