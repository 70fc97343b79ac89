using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SysUpdate.Core.Config;
using SysUpdate.Core.Instances;
using SysUpdate.Core.Manifests;
using SysUpdate.Core.Planning;
using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Tests.Planning;

public sealed class RolloutGateTests
{
    private const int Fleet = 10_000;

    /// <summary>Fixed, reproducible machine IDs: SHA-256 of a counter, first 16 bytes as 32 hex digits.</summary>
    private static IReadOnlyList<string> MachineIds { get; } = Enumerable.Range(0, Fleet)
        .Select(i => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture))))[..32])
        .ToList();

    private static HashSet<string> Taking(int basisPoints, string version = "2.0")
    {
        var rollout = new RolloutEntry(version, basisPoints, 1);
        return MachineIds.Where(id => new RolloutGate(id).Admits(rollout)).ToHashSet(StringComparer.Ordinal);
    }

    [Fact]
    public void Admits_QuarterOfTenThousandMachines_TakesAboutAQuarter()
    {
        int count = Taking(2500).Count;

        Assert.InRange(count, 2330, 2670);
    }

    [Fact]
    public void Admits_RaisingTheShare_KeepsEveryMachineAlreadyIn()
    {
        var quarter = Taking(2500);
        var half = Taking(5000);

        Assert.Subset(half, quarter);
        Assert.InRange(half.Count, 4830, 5170);
    }

    [Fact]
    public void Admits_EachStepOfAGrowingRollout_OnlyAddsMachines()
    {
        HashSet<string> previous = [];
        foreach (int share in new[] { 1, 100, 1250, 2500, 5000, 9999, 10000 })
        {
            var now = Taking(share);
            Assert.Subset(now, previous);
            previous = now;
        }
        Assert.Equal(Fleet, previous.Count);
    }

    [Fact]
    public void Admits_ZeroShare_TakesNobody() => Assert.Empty(Taking(0));

    [Fact]
    public void Admits_AnotherVersion_PicksOtherMachines()
    {
        var first = Taking(2500, "2.0");
        var second = Taking(2500, "3.0");

        Assert.NotEqual(first, second);
        Assert.InRange(first.Intersect(second).Count(), 400, 850); // independent: about a quarter of a quarter
    }

    [Fact]
    public void Bucket_IsSha256OfMachineIdColonVersion()
    {
        string id = MachineIds[0];
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(id + ":2.0"));
        ulong expected = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(digest) % 10_000;

        Assert.Equal((int)expected, RolloutGate.Bucket(id, "2.0"));
    }

    [Fact]
    public void Admits_WithoutMachineId_WaitsUntilEverybody()
    {
        var gate = new RolloutGate(machineId: null);

        Assert.False(gate.Admits(new RolloutEntry("2.0", 9999, 1)));
        Assert.True(gate.Admits(new RolloutEntry("2.0", 10000, 1)));
    }

    [Theory]
    [InlineData("0123456789ABCDEF0123456789abcdef\n", "0123456789abcdef0123456789abcdef")]
    [InlineData("  0123456789abcdef0123456789abcdef ", "0123456789abcdef0123456789abcdef")]
    [InlineData("uninitialized", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    [InlineData("0123456789abcdef0123456789abcdeg", null)]
    [InlineData("01234567-89ab-cdef-0123-456789abcdef", null)]
    public void NormalizeMachineId_AcceptsOnly32HexDigits(string? text, string? expected) =>
        Assert.Equal(expected, RolloutGate.NormalizeMachineId(text));

    // ---- the plan ----

    private static Transfer MakeTransfer(string id) => new()
    {
        Id = id,
        DefinitionPath = $"/defs/{id}.transfer",
        Source = new Resource { Type = ResourceType.UrlFile, Path = "http://127.0.0.1/", Patterns = [MatchPattern.Parse(id + "-@v")] },
        Target = new Resource { Type = ResourceType.RegularFile, Path = "/dst", Patterns = [MatchPattern.Parse(id + "-@v")] },
        InstancesMax = 3,
    };

    private static Instance Source(string version, Dictionary<string, int> shares) =>
        new($"http://127.0.0.1/{version}", new InstanceMetadata { Version = version })
        {
            Rollout = shares.TryGetValue(version, out int bp) ? new RolloutEntry(version, bp, 1) : null,
        };

    private static Instance Target(string version) => new($"/dst/{version}", new InstanceMetadata { Version = version });

    private static UpdatePlan Plan(string[] sources, string[] targets, Dictionary<string, int> shares) =>
        UpdatePlanner.Plan(
        [
            new TransferInstances(MakeTransfer("a"), InstanceOrder.NewestFirst(sources.Select(v => Source(v, shares))),
                InstanceOrder.NewestFirst(targets.Select(Target))),
        ], offline: false);

    /// <summary>A machine of the fixed fleet whose bucket for <paramref name="version"/> is at or above 50 %.</summary>
    private static string OutsideHalf(string version) => MachineIds.First(id => RolloutGate.Bucket(id, version) >= 5000);

    private static string InsideHalf(string version) => MachineIds.First(id => RolloutGate.Bucket(id, version) < 5000);

    [Fact]
    public void Apply_CandidateOutsideShare_OffersNewestOlderVersion()
    {
        var plan = Plan(["1", "2", "3"], ["1"], new() { ["3"] = 5000 });

        var gated = new RolloutGate(OutsideHalf("3")).Apply(plan);

        Assert.Equal("2", gated.Candidate?.Version);
        Assert.Equal(5000, gated.HeldBack["3"].BasisPoints);
        Assert.Equal("3", gated.Find("3")?.Version); // still there to be named explicitly
    }

    [Fact]
    public void Apply_CandidateInsideShare_IsKept()
    {
        var plan = Plan(["1", "2", "3"], ["1"], new() { ["3"] = 5000 });

        var gated = new RolloutGate(InsideHalf("3")).Apply(plan);

        Assert.Same(plan.Candidate, gated.Candidate);
        Assert.Empty(gated.HeldBack);
    }

    [Fact]
    public void Apply_OnlyNewerVersionHeld_NoCandidate()
    {
        var plan = Plan(["1", "2"], ["1"], new() { ["2"] = 0 });

        var gated = new RolloutGate(MachineIds[0]).Apply(plan);

        Assert.Null(gated.Candidate);
        Assert.True(gated.HeldBack.ContainsKey("2"));
    }

    [Fact]
    public void Apply_OlderVersionAlsoHeld_IsSkipped()
    {
        var plan = Plan(["1", "2", "3"], ["1"], new() { ["3"] = 0, ["2"] = 0 });

        var gated = new RolloutGate(MachineIds[0]).Apply(plan);

        Assert.Null(gated.Candidate);
        Assert.Equal(["2", "3"], gated.HeldBack.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Apply_NeverFallsBackBelowInstalled()
    {
        var plan = Plan(["1", "2", "3"], ["2"], new() { ["3"] = 0 });

        var gated = new RolloutGate(MachineIds[0]).Apply(plan);

        Assert.Null(gated.Candidate);
    }

    [Fact]
    public void Apply_InstalledVersion_IsNeverHeld()
    {
        var plan = Plan(["1", "2"], ["2"], new() { ["2"] = 0 });

        var gated = new RolloutGate(MachineIds[0]).Apply(plan);

        Assert.Empty(gated.HeldBack);
    }

    [Fact]
    public void Apply_TightestShareAcrossTransfers_Binds()
    {
        var shares1 = new Dictionary<string, int> { ["2"] = 10000 };
        var shares2 = new Dictionary<string, int> { ["2"] = 0 };
        var plan = UpdatePlanner.Plan(
        [
            new TransferInstances(MakeTransfer("a"), InstanceOrder.NewestFirst(new[] { "1", "2" }.Select(v => Source(v, shares1))), []),
            new TransferInstances(MakeTransfer("b"), InstanceOrder.NewestFirst(new[] { "1", "2" }.Select(v => Source(v, shares2))), []),
        ], offline: false);

        var gated = new RolloutGate(MachineIds[0]).Apply(plan);

        Assert.Equal("1", gated.Candidate?.Version);
        Assert.Equal(0, gated.HeldBack["2"].BasisPoints);
    }

    [Theory]
    [InlineData(null, null, "Honour")]
    [InlineData(null, "ignore", "Ignore")]
    [InlineData(null, "honour", "Honour")]
    [InlineData("Honour", "ignore", "Honour")]
    [InlineData("Ignore", null, "Ignore")]
    public void Resolve_OptionBeforeEnvironment(string? option, string? environment, string expected)
    {
        RolloutPolicy? given = option is null ? null : Enum.Parse<RolloutPolicy>(option);

        var policy = RolloutPolicyText.Resolve(given, name => name == RolloutPolicyText.EnvironmentVariable ? environment : null);

        Assert.Equal(Enum.Parse<RolloutPolicy>(expected), policy);
    }

    [Fact]
    public void Resolve_BadEnvironmentValue_IsAUserError() =>
        Assert.Throws<SysUpdateException>(() => RolloutPolicyText.Resolve(null, _ => "sometimes"));
}
