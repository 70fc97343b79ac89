using System.Globalization;
using BenchmarkDotNet.Attributes;
using SysUpdate.Core.Config;
using SysUpdate.Core.Instances;
using SysUpdate.Core.Planning;
using SysUpdate.Core.Versions;

namespace SysUpdate.Benchmarks;

/// <summary><c>UpdatePlanner.Plan</c> for 10 transfers with 100 source versions each, 2 of them installed.</summary>
[MemoryDiagnoser]
public class PlannerBenchmarks
{
    private List<TransferInstances> _transfers = [];

    [GlobalSetup]
    public void Setup()
    {
        _transfers = [];
        for (int t = 0; t < 10; t++)
        {
            string id = "t" + t.ToString(CultureInfo.InvariantCulture);
            var transfer = new Transfer
            {
                Id = id,
                DefinitionPath = $"/defs/{id}.transfer",
                Source = new Resource { Type = ResourceType.RegularFile, Path = "/src", Patterns = [MatchPattern.Parse(id + "-@v")] },
                Target = new Resource { Type = ResourceType.RegularFile, Path = "/dst", Patterns = [MatchPattern.Parse(id + "-@v")] },
                InstancesMax = 3,
            };
            var sources = Enumerable.Range(1, 100).Select(v => Make(id, $"{250 + (v / 10)}.{v % 10}"));
            var targets = new[] { Make(id, "250.1"), Make(id, "250.2") };
            _transfers.Add(new TransferInstances(transfer, InstanceOrder.NewestFirst(sources), InstanceOrder.NewestFirst(targets)));
        }
    }

    private static Instance Make(string id, string version) => new($"/x/{id}-{version}", new InstanceMetadata { Version = version });

    [Benchmark]
    public int Plan() => UpdatePlanner.Plan(_transfers, offline: false).UpdateSets.Count;
}
