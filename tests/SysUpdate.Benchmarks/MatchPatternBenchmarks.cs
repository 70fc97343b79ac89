using BenchmarkDotNet.Attributes;
using SysUpdate.Core.Versions;

namespace SysUpdate.Benchmarks;

/// <summary><c>MatchPattern.Match</c> of a file name against a pattern with several fields.</summary>
[MemoryDiagnoser]
public class MatchPatternBenchmarks
{
    private MatchPattern _pattern = null!;

    [GlobalSetup]
    public void Setup() => _pattern = MatchPattern.Parse("usr_@v_@u+@l-@d.raw.xz");

    [Benchmark]
    public int MatchHit() => (int)_pattern.Match("usr_253.4~rc1_4f68bce3-e8cd-4db1-96e7-fbcaf984b709+3-0.raw.xz", out _);

    [Benchmark]
    public int MatchMiss() => (int)_pattern.Match("uki_253.4~rc1.efi", out _);
}
