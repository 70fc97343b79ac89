using BenchmarkDotNet.Attributes;
using SysUpdate.Core.Versions;

namespace SysUpdate.Benchmarks;

/// <summary><see cref="VersionComparer.Compare"/> over a mix of typical version pairs (16 compares per op).</summary>
[MemoryDiagnoser]
public class VersionComparerBenchmarks
{
    private static readonly (string A, string B)[] Pairs =
    [
        ("1", "2"), ("253.4", "253.10"), ("253~rc1", "253"), ("253^post", "253"), ("1.2.3-4", "1.2.3-10"),
        ("2024.01.15", "2024.1.15"), ("1.0a", "1.0b"), ("1_2", "1.2"), ("0001", "1"), ("v1.2", "v1.10"),
        ("255.3-1.fc40", "255.3-2.fc40"), ("1.2.3.4.5.6", "1.2.3.4.5.7"), ("abc", "abd"), ("10", "9"),
        ("1.0~beta2", "1.0~beta10"), ("3.14159", "3.14159"),
    ];

    [Benchmark]
    public int Compare()
    {
        int sum = 0;
        foreach (var (a, b) in Pairs)
            sum += VersionComparer.Compare(a, b);
        return sum;
    }
}
