using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Tests.Versions;

public sealed class MatchPatternsTests
{
    private static MatchPattern[] Patterns(params string[] texts) => texts.Select(MatchPattern.Parse).ToArray();

    // The layouts of upstream TEST-72-SYSUPDATE ("pattern matching should not depend on the pattern order").
    [Theory]
    [InlineData("bundle-@v/image.raw|**/bundle-@v.raw", "bundle-v2.raw", PatternMatch.YesAndRetry, "v2")]
    [InlineData("bundle-@v/image.raw|**/bundle-@v.raw", "bundle-v1", PatternMatch.Retry, null)]
    [InlineData("bundle-@v/image.raw|**/bundle-@v.raw", "bundle-v1/image.raw", PatternMatch.YesAndRetry, "v1")]
    [InlineData("**/bundle-@v.img|bundle-@v.raw", "bundle-v2.raw", PatternMatch.YesAndRetry, "v2")]
    [InlineData("bundle-@v/image.raw|bundle-@v.raw", "bundle-v2.raw", PatternMatch.YesAndRetry, "v2")]
    [InlineData("bundle-@v.raw|bundle-@v/image.raw", "bundle-v2.raw", PatternMatch.YesAndRetry, "v2")]
    [InlineData("pack-@v/image.raw|pack-@v", "pack-v2", PatternMatch.YesAndRetry, "v2")]
    [InlineData("pack-@v|pack-@v/image.raw", "pack-v2", PatternMatch.YesAndRetry, "v2")]
    [InlineData("pack-@v/image.raw|pack-@v", "pack-v2/image.raw", PatternMatch.Yes, "v2")]
    [InlineData("a_@v.raw|b_@v.raw", "b_1.raw", PatternMatch.Yes, "1")]
    [InlineData("a_@v.raw|b_@v.raw", "c_1.raw", PatternMatch.No, null)]
    [InlineData("a_@v.raw|dir/@v/x.raw", "dir", PatternMatch.Retry, null)]
    public void MatchAny_Layouts_CombineResults(string texts, string input, object expected, string? version)
    {
        PatternMatch result = MatchPatterns.MatchAny(Patterns(texts.Split('|')), input, out InstanceMetadata metadata);

        Assert.Equal((PatternMatch)expected, result);
        Assert.Equal(version, metadata.Version);
    }

    [Fact]
    public void MatchAny_TwoPatternsMatch_FirstMatchingPatternGivesMetadata()
    {
        PatternMatch first = MatchPatterns.MatchAny(Patterns("x@v.raw", "x1@v"), "x1.raw", out InstanceMetadata a);
        PatternMatch second = MatchPatterns.MatchAny(Patterns("x1@v", "x@v.raw"), "x1.raw", out InstanceMetadata b);

        Assert.Equal(PatternMatch.Yes, first);
        Assert.Equal("1", a.Version);
        Assert.Equal(PatternMatch.Yes, second);
        Assert.Equal(".raw", b.Version);
    }

    [Fact]
    public void MatchAny_NoPatterns_IsNo()
    {
        Assert.Equal(PatternMatch.No, MatchPatterns.MatchAny([], "foo_1.raw", out InstanceMetadata metadata));
        Assert.Equal(InstanceMetadata.Empty, metadata);
    }
}
