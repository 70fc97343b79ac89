using System.Text;
using SysUpdate.Core.Manifests;

namespace SysUpdate.Core.Tests.Manifests;

public sealed class RolloutEntryTests
{
    private const string Source = "https://example.invalid/os/SHA256SUMS";
    private const string H = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static readonly DateTimeOffset Now = new(2025, 6, 15, 12, 0, 0, TimeSpan.Zero);

    private static Manifest Parse(string content) =>
        Sha256SumsParser.Parse(Encoding.UTF8.GetBytes(content), Source, Now, verifyFreshness: true);

    [Theory]
    [InlineData("ROLLOUT-2.0=25", "2.0", 2500)]
    [InlineData("ROLLOUT-2.0=12.5", "2.0", 1250)]
    [InlineData("ROLLOUT-2.0=0.01", "2.0", 1)]
    [InlineData("ROLLOUT-2.0=0", "2.0", 0)]
    [InlineData("ROLLOUT-2.0=100", "2.0", 10000)]
    [InlineData("ROLLOUT-2.0=100.00", "2.0", 10000)]
    [InlineData("ROLLOUT-v1-rc.2+b~3=7.25", "v1-rc.2+b~3", 725)]
    public void Parse_WellFormed_GivesVersionAndBasisPoints(string name, string version, int basisPoints)
    {
        var entry = RolloutEntry.Parse(name, Source, 3);

        Assert.Equal(version, entry.Version);
        Assert.Equal(basisPoints, entry.BasisPoints);
        Assert.Equal(3, entry.Line);
    }

    [Theory]
    [InlineData("ROLLOUT-2.0-25")]
    [InlineData("ROLLOUT-2.0=")]
    [InlineData("ROLLOUT-=25")]
    [InlineData("ROLLOUT-2.0=100.01")]
    [InlineData("ROLLOUT-2.0=101")]
    [InlineData("ROLLOUT-2.0=12.345")]
    [InlineData("ROLLOUT-2.0=12.")]
    [InlineData("ROLLOUT-2.0=.5")]
    [InlineData("ROLLOUT-2.0=-1")]
    [InlineData("ROLLOUT-2.0=25 ")]
    [InlineData("ROLLOUT-2.0=1e1")]
    [InlineData("ROLLOUT-2 0=25")]
    [InlineData("ROLLOUT-2.0=25=30")]
    public void Parse_Malformed_ThrowsWithSourceAndLine(string name)
    {
        var ex = Assert.Throws<ManifestFormatException>(() => RolloutEntry.Parse(name, Source, 7));

        Assert.Equal(Source, ex.ManifestSource);
        Assert.Equal(7, ex.Line);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData(2500, "25 %")]
    [InlineData(1250, "12.5 %")]
    [InlineData(1, "0.01 %")]
    [InlineData(10000, "100 %")]
    public void PercentText_WritesTheShareAsWritten(int basisPoints, string expected) =>
        Assert.Equal(expected, new RolloutEntry("1", basisPoints, 1).PercentText);

    [Fact]
    public void Manifest_RolloutLine_IsNoFileEntry()
    {
        var manifest = Parse($"{H}  os_2.0.raw\n{EmptyHash}  ROLLOUT-2.0=25\n{H}  os_1.0.raw\n");

        Assert.Equal(["os_2.0.raw", "os_1.0.raw"], manifest.Entries.Select(e => e.Name));
        var rollout = Assert.Single(manifest.Rollouts);
        Assert.Equal(("2.0", 2500, 2), (rollout.Version, rollout.BasisPoints, rollout.Line));
        Assert.Same(rollout, manifest.RolloutFor("2.0"));
        Assert.Null(manifest.RolloutFor("1.0"));
    }

    [Fact]
    public void Manifest_AnyHashIsAccepted()
    {
        var manifest = Parse($"{H} *ROLLOUT-2.0=50\n");

        Assert.Equal(5000, Assert.Single(manifest.Rollouts).BasisPoints);
    }

    [Fact]
    public void Manifest_SecondEntryForSameVersion_IsRefusedAtItsLine()
    {
        var ex = Assert.Throws<ManifestFormatException>(() =>
            Parse($"{EmptyHash}  ROLLOUT-2.0=25\n{H}  os_2.0.raw\n{EmptyHash}  ROLLOUT-2.0=50\n"));

        Assert.Equal(3, ex.Line);
    }

    [Fact]
    public void Manifest_EntriesForDifferentVersions_AreKept()
    {
        var manifest = Parse($"{EmptyHash}  ROLLOUT-2.0=25\n{EmptyHash}  ROLLOUT-3.0=1\n");

        Assert.Equal([2500, 100], manifest.RolloutFor("2.0") is { } a && manifest.RolloutFor("3.0") is { } b ? new[] { a.BasisPoints, b.BasisPoints } : []);
    }

    [Fact]
    public void Manifest_MalformedRolloutLine_IsRefusedAtItsLine()
    {
        var ex = Assert.Throws<ManifestFormatException>(() => Parse($"{H}  os_2.0.raw\n{EmptyHash}  ROLLOUT-2.0-25\n"));

        Assert.Equal(2, ex.Line);
        Assert.StartsWith(Source + ":2: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_RolloutNameInSubdirectory_IsAnOrdinaryEntry()
    {
        var manifest = Parse($"{H}  dir/ROLLOUT-2.0=25\n");

        Assert.Equal("dir/ROLLOUT-2.0=25", Assert.Single(manifest.Entries).Name);
        Assert.Empty(manifest.Rollouts);
    }
}
