using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace SysUpdate.Benchmarks;

/// <summary>BenchmarkDotNet micro benchmarks, short runs, in process (no generated project to build).</summary>
internal static class MicroBenchmarks
{
    public static int Run(string[] args)
    {
        var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
        var summaries = BenchmarkSwitcher.FromTypes(
            [typeof(VersionComparerBenchmarks), typeof(MatchPatternBenchmarks), typeof(ManifestParseBenchmarks), typeof(PlannerBenchmarks)])
            .Run(args.Length == 0 ? ["--filter", "*"] : args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
