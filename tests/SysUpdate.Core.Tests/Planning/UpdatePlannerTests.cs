using SysUpdate.Core.Config;
using SysUpdate.Core.Instances;
using SysUpdate.Core.Planning;
using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Tests.Planning;

public class UpdatePlannerTests
{
    private static Transfer MakeTransfer(string id, string? minVersion = null, params string[] protect) => new()
    {
        Id = id,
        DefinitionPath = $"/defs/{id}.transfer",
        Source = new Resource { Type = ResourceType.RegularFile, Path = "/src", Patterns = [MatchPattern.Parse(id + "-@v")] },
        Target = new Resource { Type = ResourceType.RegularFile, Path = "/dst", Patterns = [MatchPattern.Parse(id + "-@v")] },
        InstancesMax = 3,
        MinVersion = minVersion,
        ProtectVersions = protect,
    };

    private static Instance I(string version, bool partial = false, bool pending = false) =>
        new($"/x/{version}", new InstanceMetadata { Version = version }, partial, pending);

    private static TransferInstances T(string id, string[] sources, string[] targets, Transfer? transfer = null) =>
        new(transfer ?? MakeTransfer(id), InstanceOrder.NewestFirst(sources.Select(v => I(v))), InstanceOrder.NewestFirst(targets.Select(v => I(v))));

    private static string Describe(UpdatePlan plan) =>
        string.Join(" ", plan.UpdateSets.Select(s => $"{s.Version}:{s.Flags.ToAssessment()}"));

    [Fact]
    public void Plan_NothingInstalled_NewestAvailableIsCandidate()
    {
        var plan = UpdatePlanner.Plan([T("a", ["1", "2"], []), T("b", ["1", "2"], [])], offline: false);
        Assert.Equal("2", plan.Candidate?.Version);
        Assert.Null(plan.NewestInstalled);
        Assert.Equal("2:candidate 1:available", Describe(plan));
    }

    [Fact]
    public void Plan_VersionMissingFromOneSource_IsNeverOffered()
    {
        var plan = UpdatePlanner.Plan([T("a", ["1", "2", "3"], ["1"]), T("b", ["1", "2"], ["1"])], offline: false);
        Assert.Equal("2", plan.Candidate?.Version);
        Assert.DoesNotContain(plan.UpdateSets, s => s.Version == "3");
    }

    [Fact]
    public void Plan_NewestIncompleteAndAvailable_IsRepairCandidate()
    {
        var plan = UpdatePlanner.Plan([T("a", ["1", "2"], ["1", "2"]), T("b", ["1", "2"], ["1"])], offline: false);
        Assert.Equal("2", plan.Candidate?.Version);
        Assert.True(plan.Candidate!.Has(UpdateSetFlags.Incomplete | UpdateSetFlags.Installed | UpdateSetFlags.Available));
        // The missing slot is filled with the source instance, the present one stays the target instance.
        Assert.NotNull(plan.Candidate.Instances[1]);
        Assert.Equal("2:current+incomplete 1:installed", Describe(plan));
    }

    [Fact]
    public void Plan_InstalledNewest_NoCandidate()
    {
        var plan = UpdatePlanner.Plan([T("a", ["1", "2"], ["2"])], offline: false);
        Assert.Null(plan.Candidate);
        Assert.Equal("2:current 1:available", Describe(plan));
    }

    [Fact]
    public void Plan_Offline_OnlyInstalledSets()
    {
        var plan = UpdatePlanner.Plan([T("a", ["1", "2", "3"], ["2"])], offline: true);
        Assert.Null(plan.Candidate);
        Assert.Equal("2:current", Describe(plan));
    }

    [Fact]
    public void Plan_MinVersion_MarksObsoleteAndNeverCandidate()
    {
        var transfer = MakeTransfer("a", minVersion: "3");
        var plan = UpdatePlanner.Plan([T("a", ["1", "2"], [], transfer)], offline: false);
        Assert.Null(plan.Candidate);
        Assert.All(plan.UpdateSets, s => Assert.True(s.Has(UpdateSetFlags.Obsolete)));
    }

    [Fact]
    public void Plan_ProtectVersion_MarksProtected()
    {
        var transfer = MakeTransfer("a", null, "1");
        var plan = UpdatePlanner.Plan([T("a", ["1", "2"], ["1", "2"], transfer)], offline: false);
        Assert.Equal("2:current 1:protected", Describe(plan));
    }

    [Fact]
    public void Plan_PartialNewest_BecomesCandidateAndSaysPartial()
    {
        var a = new TransferInstances(MakeTransfer("a"), [I("2"), I("1")], [I("2", partial: true), I("1")]);
        var plan = UpdatePlanner.Plan([a], offline: false);
        Assert.Equal("2", plan.Candidate?.Version);
        Assert.True(plan.Candidate!.Has(UpdateSetFlags.Partial));
        Assert.Equal("current+partial", plan.Candidate.Flags.ToAssessment());
    }

    [Fact]
    public void Plan_PendingNewest_IsCandidateWithPendingFlag()
    {
        var a = new TransferInstances(MakeTransfer("a"), [I("2"), I("1")], [I("2", pending: true), I("1")]);
        var b = new TransferInstances(MakeTransfer("b"), [I("2"), I("1")], [I("2", pending: true), I("1")]);
        var plan = UpdatePlanner.Plan([a, b], offline: false);
        Assert.Equal("2", plan.Candidate?.Version);
        Assert.Equal("current+pending", plan.Candidate!.Flags.ToAssessment());
        Assert.False(plan.Candidate.Has(UpdateSetFlags.Incomplete));
    }

    [Fact]
    public void Plan_EqualVersionsDifferentSpelling_AreOneSet()
    {
        var plan = UpdatePlanner.Plan([T("a", ["1.02"], ["1.2"])], offline: false);
        Assert.Single(plan.UpdateSets);
        Assert.Null(plan.Candidate);
    }

    [Fact]
    public void Plan_SetsSortedNewestFirst()
    {
        var plan = UpdatePlanner.Plan([T("a", ["1.10", "1.9", "1.2"], ["1.9"])], offline: false);
        Assert.Equal(["1.10", "1.9", "1.2"], plan.UpdateSets.Select(s => s.Version));
        Assert.Equal("1.10", plan.Candidate?.Version);
    }

    [Theory]
    [InlineData((int)(UpdateSetFlags.None), "n/a")]
    [InlineData((int)(UpdateSetFlags.Installed | UpdateSetFlags.Newest), "current")]
    [InlineData((int)(UpdateSetFlags.Installed | UpdateSetFlags.Newest | UpdateSetFlags.Available | UpdateSetFlags.Protected), "current")]
    [InlineData((int)(UpdateSetFlags.Installed | UpdateSetFlags.Newest | UpdateSetFlags.Pending), "current+pending")]
    [InlineData((int)(UpdateSetFlags.Installed | UpdateSetFlags.Newest | UpdateSetFlags.Partial | UpdateSetFlags.Pending), "current+partial")]
    [InlineData((int)(UpdateSetFlags.Available | UpdateSetFlags.Newest), "candidate")]
    [InlineData((int)(UpdateSetFlags.Installed | UpdateSetFlags.Available), "installed")]
    [InlineData((int)(UpdateSetFlags.Installed | UpdateSetFlags.Protected), "protected")]
    [InlineData((int)(UpdateSetFlags.Available | UpdateSetFlags.Protected), "available")]
    [InlineData((int)(UpdateSetFlags.Installed | UpdateSetFlags.Incomplete | UpdateSetFlags.Newest | UpdateSetFlags.Available), "current+incomplete")]
    [InlineData((int)(UpdateSetFlags.Installed | UpdateSetFlags.Incomplete | UpdateSetFlags.Pending), "installed+incomplete")]
    [InlineData((int)(UpdateSetFlags.Installed | UpdateSetFlags.Incomplete | UpdateSetFlags.Protected), "protected+incomplete")]
    [InlineData((int)(UpdateSetFlags.Installed | UpdateSetFlags.Obsolete | UpdateSetFlags.Newest), "current+obsolete")]
    [InlineData((int)(UpdateSetFlags.Installed | UpdateSetFlags.Obsolete | UpdateSetFlags.Available), "installed+obsolete")]
    [InlineData((int)(UpdateSetFlags.Installed | UpdateSetFlags.Obsolete | UpdateSetFlags.Protected), "protected+obsolete")]
    [InlineData((int)(UpdateSetFlags.Available | UpdateSetFlags.Obsolete | UpdateSetFlags.Newest), "available+obsolete")]
    [InlineData((int)(UpdateSetFlags.Installed | UpdateSetFlags.Obsolete | UpdateSetFlags.Incomplete | UpdateSetFlags.Newest | UpdateSetFlags.Protected), "current+obsolete+incomplete")]
    [InlineData((int)(UpdateSetFlags.Installed | UpdateSetFlags.Obsolete | UpdateSetFlags.Incomplete), "installed+obsolete+incomplete")]
    [InlineData((int)(UpdateSetFlags.Installed | UpdateSetFlags.Obsolete | UpdateSetFlags.Incomplete | UpdateSetFlags.Protected), "protected+obsolete+incomplete")]
    public void ToAssessment_FlagCombination_UpstreamWord(int flags, string expected) =>
        Assert.Equal(expected, ((UpdateSetFlags)flags).ToAssessment());

    private static TransferInstances Bounded(string[] sources, string[] targets, string? min = null, string? max = null) =>
        T("a", sources, targets, MakeTransfer("a", min) with { MaxVersion = max });

    [Theory]
    [InlineData(new[] { "1", "2", "3" }, new string[0], "2", "2", "3:too-new 2:candidate 1:available")]
    [InlineData(new[] { "1", "2", "3" }, new[] { "1" }, "3", "3", "3:candidate 2:available 1:current")]
    [InlineData(new[] { "1", "2", "3" }, new[] { "2" }, "2", null, "3:too-new 2:current 1:available")]
    [InlineData(new[] { "1", "2", "3" }, new[] { "3" }, "2", null, "3:current+too-new 2:available 1:available")]
    [InlineData(new[] { "3", "4" }, new string[0], "2", null, "4:too-new 3:too-new")]
    [InlineData(new[] { "1", "2", "2.1", "3" }, new string[0], "2.1", "2.1", "3:too-new 2.1:candidate 2:available 1:available")]
    public void Plan_MaxVersion_NewestAllowedIsCandidate(string[] sources, string[] targets, string max, string? candidate, string expected)
    {
        var plan = UpdatePlanner.Plan([Bounded(sources, targets, max: max)], offline: false);
        Assert.Equal(candidate, plan.Candidate?.Version);
        Assert.Equal(expected, Describe(plan));
    }

    [Fact]
    public void Plan_MaxVersionOnOneTransfer_SetTooNewForAll()
    {
        var bounded = T("b", ["1", "2"], [], MakeTransfer("b") with { MaxVersion = "1" });
        var plan = UpdatePlanner.Plan([T("a", ["1", "2"], []), bounded], offline: false);
        Assert.Equal("1", plan.Candidate?.Version);
        Assert.Equal("2:too-new 1:candidate", Describe(plan));
    }

    [Fact]
    public void Plan_MinAndMaxVersion_OnlyVersionsBetweenOffered()
    {
        var plan = UpdatePlanner.Plan([Bounded(["1", "2", "3", "4"], [], min: "2", max: "3")], offline: false);
        Assert.Equal("3", plan.Candidate?.Version);
        Assert.Equal("4:too-new 3:candidate 2:available 1:available+obsolete", Describe(plan));
    }

    [Fact]
    public void Plan_PendingTooNew_NotTheCandidate()
    {
        var transfer = MakeTransfer("a") with { MaxVersion = "1" };
        var t = new TransferInstances(transfer, InstanceOrder.NewestFirst([I("1"), I("2")]),
            InstanceOrder.NewestFirst([I("1"), I("2", pending: true)]));
        var plan = UpdatePlanner.Plan([t], offline: false);
        Assert.Null(plan.Candidate);
    }

    [Theory]
    [InlineData("5", new[] { "3", "4" }, null, "4")]
    [InlineData("5", new[] { "4", "6" }, "6", null)]
    [InlineData("4", new[] { "3", "4" }, "4", null)]
    public void Plan_DowngradeFloor_HoldsBackOlderThanBooted(string booted, string[] sources, string? candidate, string? heldBack)
    {
        var plan = UpdatePlanner.Plan([T("a", sources, [])], offline: false, new DowngradeFloor(booted));
        Assert.Equal(candidate, plan.Candidate?.Version);
        Assert.Equal(heldBack, plan.HeldBackDowngrade?.Version);
        // Still listed, and still found when named.
        Assert.NotNull(plan.Find(sources[0]));
    }

    [Theory]
    [InlineData(2 | 256, "too-new", "×")]         // available
    [InlineData(4 | 1 | 256, "current+too-new", "●")] // installed, newest
    [InlineData(4 | 2 | 256, "installed+too-new", " ")] // installed, available
    [InlineData(4 | 16 | 256, "protected+too-new", "○")] // installed, protected
    public void TooNew_AssessmentAndGlyph(int bits, string assessment, string glyph)
    {
        var flags = (UpdateSetFlags)bits;
        Assert.Equal(assessment, flags.ToAssessment());
        Assert.Equal(glyph, flags.ToGlyph());
    }

    [Theory]
    [InlineData(null, null, "5", "")]
    [InlineData("2", "4", "2", "")]
    [InlineData("2", "4", "4", "")]
    [InlineData("2", "4", "1.9", "obsolete")]
    [InlineData("2", "4", "4.0.1", "too-new")]
    [InlineData(null, "4", "4~rc1", "")]
    public void VersionBounds_Classify_InclusiveBounds(string? min, string? max, string version, string expected)
    {
        var flags = new VersionBounds(min, max).Classify(version);
        Assert.Equal(expected, flags switch
        {
            UpdateSetFlags.None => "",
            UpdateSetFlags.Obsolete => "obsolete",
            UpdateSetFlags.TooNew => "too-new",
            _ => flags.ToString(),
        });
    }
}
