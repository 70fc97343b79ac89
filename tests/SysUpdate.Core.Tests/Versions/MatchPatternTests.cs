using FsCheck;
using FsCheck.Fluent;
using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Tests.Versions;

public sealed class MatchPatternTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("foo_@v.raw")]
    [InlineData("@v")]
    [InlineData("usr-@v-@u.raw")]
    [InlineData("uki_@v+@l-@d.efi")]
    [InlineData("@v_@u_@f_@t_@m_@s_@d_@l_@a_@r_@g_@h")]
    [InlineData("@v@@x")]
    [InlineData("@@@v")]
    [InlineData("@v@@@u")]
    [InlineData("dir/@v/file.raw")]
    [InlineData("@v/@u")]
    [InlineData("/@v")]
    [InlineData("@v/")]
    [InlineData("a b @v")]
    [InlineData(" ~^-_.,:;=#%&'\"()<>{}`+@v")]
    [InlineData("**/foo_@v.raw")]
    [InlineData("**/@v")]
    public void Parse_ValidPattern_KeepsText(string text)
    {
        MatchPattern pattern = MatchPattern.Parse(text);

        Assert.Equal(text, pattern.Text);
        Assert.True(pattern.HasField('v'));
    }

    [Theory]
    [InlineData("")]
    [InlineData("foo.raw")]
    [InlineData("foo_@u.raw")]
    [InlineData("@v@u")]
    [InlineData("@v_@v")]
    [InlineData("@v_@u_@u")]
    [InlineData("@x_@v")]
    [InlineData("@V")]
    [InlineData("@v@")]
    [InlineData("foo@")]
    [InlineData("@v@@@")]
    [InlineData("@v*")]
    [InlineData("@v?")]
    [InlineData("@v[1]")]
    [InlineData("@v!")]
    [InlineData("@v$")]
    [InlineData("@v\\")]
    [InlineData("@v|")]
    [InlineData("@v\t")]
    [InlineData("@v\u007f")]
    [InlineData("@vä")]
    [InlineData("@/@v")]
    [InlineData("@ @v")]
    [InlineData("*/@v")]
    [InlineData("dir/**/@v")]
    [InlineData("**/**/@v")]
    [InlineData("**/dir/@v")]
    [InlineData("**/@v/")]
    [InlineData("**/")]
    [InlineData("**@v")]
    public void Parse_InvalidPattern_ThrowsPatternSyntaxException(string text)
    {
        PatternSyntaxException e = Assert.Throws<PatternSyntaxException>(() => MatchPattern.Parse(text));

        Assert.IsAssignableFrom<SysUpdateException>(e);
        Assert.Equal(text, e.Pattern);
        Assert.False(string.IsNullOrWhiteSpace(e.Problem));
    }

    [Fact]
    public void Parse_GlobRemainderLongerThanNameMax_Throws()
    {
        string text = "**/" + new string('a', 254) + "@v";

        Assert.Throws<PatternSyntaxException>(() => MatchPattern.Parse(text));
        Assert.NotNull(MatchPattern.Parse("**/" + new string('a', 253) + "@v"));
    }

    [Theory]
    [InlineData("@x_@v", "@x")]
    [InlineData("@v_@v", "@v")]
    [InlineData("@v@u", "@u")]
    [InlineData("@v@", "@")]
    [InlineData("foo.raw", "@v")]
    [InlineData("@v*", "*")]
    public void Parse_InvalidPattern_MessageNamesTheCulprit(string text, string culprit)
    {
        PatternSyntaxException e = Assert.Throws<PatternSyntaxException>(() => MatchPattern.Parse(text));

        Assert.Contains(culprit, e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void HasField_ListsExactlyThePatternsFields()
    {
        MatchPattern pattern = MatchPattern.Parse("uki_@v+@l-@d.efi@@h");

        Assert.Equal("vdl", new string(PatternField.Markers.Where(pattern.HasField).ToArray()));
    }

    [Theory]
    [InlineData("foo_@v.raw", "foo_1.2.raw", PatternMatch.Yes, "1.2")]
    [InlineData("foo_@v.raw", "foo_1.2.raw.tar", PatternMatch.No, null)]
    [InlineData("foo-@v.raw", "foo-1.raw.tar", PatternMatch.No, null)]
    [InlineData("foo-@v", "foo-1.raw.tar", PatternMatch.Yes, "1.raw.tar")]
    [InlineData("foo_@v.raw", "foo_1.raw.raw", PatternMatch.No, null)]
    [InlineData("foo_@v.raw", "bar_1.raw", PatternMatch.No, null)]
    [InlineData("foo_@v.raw", "foo_.raw", PatternMatch.No, null)]
    [InlineData("foo_@v.raw", "foo_1,2.raw", PatternMatch.No, null)]
    [InlineData("foo_@v.raw", "foo_1/2.raw", PatternMatch.No, null)]
    [InlineData("foo_@v.raw", "", PatternMatch.No, null)]
    [InlineData("foo_@v.raw", "foo_1.ra", PatternMatch.No, null)]
    [InlineData("@v.raw", "1.raw", PatternMatch.Yes, "1")]
    [InlineData("@v", "anything-1.2~rc", PatternMatch.Yes, "anything-1.2~rc")]
    [InlineData("@v", "", PatternMatch.No, null)]
    [InlineData("a@@b_@v", "a@b_7", PatternMatch.Yes, "7")]
    [InlineData("dir/@v/file.raw", "dir", PatternMatch.Retry, null)]
    [InlineData("dir/@v/file.raw", "dir/1.2", PatternMatch.Retry, null)]
    [InlineData("dir/@v/file.raw", "dir/1.2/file.raw", PatternMatch.Yes, "1.2")]
    [InlineData("dir/@v/file.raw", "dir/1.2/other.raw", PatternMatch.No, null)]
    [InlineData("dir/@v/file.raw", "dir/1.2/file.raw/x", PatternMatch.No, null)]
    [InlineData("dir/@v/file.raw", "dir/", PatternMatch.No, null)]
    [InlineData("dir/@v/file.raw", "dirx/1/file.raw", PatternMatch.No, null)]
    [InlineData("dir/@v/file.raw", "other", PatternMatch.No, null)]
    [InlineData("foo_@v/bar.efi", "foo_1", PatternMatch.Retry, null)]
    [InlineData("foo_@v/bar.efi", "foo_1/bar.efi", PatternMatch.Yes, "1")]
    [InlineData("foo_@v/bar.efi", "foo_1/bar.efi.extra", PatternMatch.No, null)]
    [InlineData("a/b/@v.raw", "a", PatternMatch.Retry, null)]
    [InlineData("a/b/@v.raw", "a/b", PatternMatch.Retry, null)]
    [InlineData("a/b/@v.raw", "a/c", PatternMatch.No, null)]
    [InlineData("a/b/@v.raw", "a/b/3.raw", PatternMatch.Yes, "3")]
    [InlineData("depth-@v/contents/image.raw", "depth-v3/contents", PatternMatch.Retry, null)]
    [InlineData("depth-@v/contents/image.raw", "depth-v3/contents/image.raw", PatternMatch.Yes, "v3")]
    [InlineData("pack-@v/image.raw", "pack-v2", PatternMatch.Retry, null)]
    [InlineData("pack-@v", "pack-v2/image.raw", PatternMatch.No, null)]
    [InlineData("@v/", "1/", PatternMatch.Yes, "1")]
    [InlineData("@v/", "1", PatternMatch.Retry, null)]
    [InlineData("/@v", "/1", PatternMatch.Yes, "1")]
    [InlineData("/@v", "", PatternMatch.Retry, null)]
    public void Match_Input_GivesExpectedResultAndVersion(string text, string input, object expected, string? version)
    {
        PatternMatch result = MatchPattern.Parse(text).Match(input, out InstanceMetadata metadata);

        Assert.Equal((PatternMatch)expected, result);
        Assert.Equal(version, metadata.Version);
        if (result is PatternMatch.No or PatternMatch.Retry)
        {
            Assert.Equal(InstanceMetadata.Empty, metadata);
        }
    }

    [Theory]
    [InlineData("uki_@v+@l-@d.efi", "uki_1.2+3-0.efi", PatternMatch.Yes, "1.2", 3ul, 0ul)]
    [InlineData("uki_@v+@l-@d.efi", "uki_1.2.efi", PatternMatch.No, null, null, null)]
    [InlineData("uki_@v+@l-@d.efi", "uki_1.2+3.efi", PatternMatch.No, null, null, null)]
    [InlineData("uki_@v+@l.efi", "uki_1.2+3.efi", PatternMatch.Yes, "1.2", 3ul, null)]
    [InlineData("uki_@v+@l.efi", "uki_1.2+3-0.efi", PatternMatch.No, null, null, null)]
    [InlineData("uki_@v.efi", "uki_1.2.efi", PatternMatch.Yes, "1.2", null, null)]
    [InlineData("uki_@v.efi", "uki_1.2+3-0.efi", PatternMatch.Yes, "1.2+3-0", null, null)]
    public void Match_BootCountingNames_SplitsCounters(string text, string input, object expected, string? version, ulong? left, ulong? done)
    {
        PatternMatch result = MatchPattern.Parse(text).Match(input, out InstanceMetadata metadata);

        Assert.Equal((PatternMatch)expected, result);
        Assert.Equal(version, metadata.Version);
        Assert.Equal(left, metadata.TriesLeft);
        Assert.Equal(done, metadata.TriesDone);
    }

    public static TheoryData<char, string, InstanceMetadata> GoodFieldValues() => new()
    {
        { 'u', "0123456789abcdef0123456789abcdef", new() { PartitionUuid = Guid.Parse("01234567-89ab-cdef-0123-456789abcdef") } },
        { 'u', "0123456789ABCDEF0123456789ABCDEF", new() { PartitionUuid = Guid.Parse("01234567-89ab-cdef-0123-456789abcdef") } },
        { 'u', "01234567-89ab-cdef-0123-456789abcdef", new() { PartitionUuid = Guid.Parse("01234567-89ab-cdef-0123-456789abcdef") } },
        { 'f', "0", new() { PartitionFlags = 0 } },
        { 'f', "Ff", new() { PartitionFlags = 0xff } },
        { 'f', "8000000000000001", new() { PartitionFlags = 0x8000000000000001 } },
        { 'f', "FFFFFFFFFFFFFFFF", new() { PartitionFlags = ulong.MaxValue } },
        { 't', "0", new() { MtimeMicroseconds = 0 } },
        { 't', "1700000000000000", new() { MtimeMicroseconds = 1700000000000000 } },
        { 't', "18446744073709551614", new() { MtimeMicroseconds = ulong.MaxValue - 1 } },
        { 'm', "644", new() { Mode = 420 } },
        { 'm', "0775", new() { Mode = 509 } },
        { 'm', "000", new() { Mode = 0 } },
        { 'm', "5", new() { Mode = 5 } },
        { 's', "0", new() { Size = 0 } },
        { 's', "0012345", new() { Size = 12345 } },
        { 's', "18446744073709551614", new() { Size = ulong.MaxValue - 1 } },
        { 'd', "0", new() { TriesDone = 0 } },
        { 'd', "18446744073709551614", new() { TriesDone = ulong.MaxValue - 1 } },
        { 'l', "3", new() { TriesLeft = 3 } },
        { 'a', "1", new() { NoAuto = true } },
        { 'a', "yes", new() { NoAuto = true } },
        { 'a', "Y", new() { NoAuto = true } },
        { 'a', "TRUE", new() { NoAuto = true } },
        { 'a', "t", new() { NoAuto = true } },
        { 'a', "On", new() { NoAuto = true } },
        { 'r', "0", new() { ReadOnly = false } },
        { 'r', "no", new() { ReadOnly = false } },
        { 'r', "N", new() { ReadOnly = false } },
        { 'r', "false", new() { ReadOnly = false } },
        { 'r', "F", new() { ReadOnly = false } },
        { 'r', "oFF", new() { ReadOnly = false } },
        { 'g', "on", new() { GrowFileSystem = true } },
        { 'g', "off", new() { GrowFileSystem = false } },
        { 'h', Sha, new() { Sha256 = Sha } },
        { 'h', Sha.ToUpperInvariant(), new() { Sha256 = Sha } },
    };

    [Theory]
    [MemberData(nameof(GoodFieldValues))]
    public void Match_GoodFieldValue_Parses(char marker, string value, InstanceMetadata expected)
    {
        MatchPattern pattern = MatchPattern.Parse($"n_@v_@{marker}_end");

        PatternMatch result = pattern.Match($"n_1_{value}_end", out InstanceMetadata metadata);

        Assert.Equal(PatternMatch.Yes, result);
        Assert.Equal(expected with { Version = "1" }, metadata);
    }

    [Theory]
    [InlineData('u', "")]
    [InlineData('u', "0123")]
    [InlineData('u', "0123456789abcdef0123456789abcde")]
    [InlineData('u', "0123456789abcdef0123456789abcdef0")]
    [InlineData('u', "g123456789abcdef0123456789abcdef")]
    [InlineData('u', "0123456-789ab-cdef-0123-456789abcdef")]
    [InlineData('u', "01234567-89ab-cdef-0123456789abcdef")]
    [InlineData('u', "{01234567-89ab-cdef-0123-456789abcdef}")]
    [InlineData('u', " 0123456789abcdef0123456789abcdef")]
    [InlineData('f', "")]
    [InlineData('f', "g")]
    [InlineData('f', "-1")]
    [InlineData('f', "+1")]
    [InlineData('f', " 1")]
    [InlineData('f', "10000000000000000")]
    [InlineData('t', "")]
    [InlineData('t', "18446744073709551615")]
    [InlineData('t', "18446744073709551616")]
    [InlineData('t', "1.5")]
    [InlineData('t', "-1")]
    [InlineData('t', "abc")]
    [InlineData('m', "")]
    [InlineData('m', "776")]
    [InlineData('m', "777")]
    [InlineData('m', "4755")]
    [InlineData('m', "1000")]
    [InlineData('m', "12345")]
    [InlineData('m', "8")]
    [InlineData('m', "+644")]
    [InlineData('m', "-0")]
    [InlineData('s', "")]
    [InlineData('s', "18446744073709551615")]
    [InlineData('s', "1k")]
    [InlineData('s', "0x10")]
    [InlineData('s', "-5")]
    [InlineData('d', "")]
    [InlineData('d', "18446744073709551615")]
    [InlineData('l', "x")]
    [InlineData('l', "18446744073709551615")]
    [InlineData('a', "")]
    [InlineData('a', "2")]
    [InlineData('r', "maybe")]
    [InlineData('r', "yess")]
    [InlineData('g', "tru")]
    [InlineData('g', "ye\u017f")]
    [InlineData('h', "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde")]
    [InlineData('h', "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0")]
    [InlineData('h', "g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData('v', "")]
    [InlineData('v', "1,2")]
    [InlineData('v', "1 2")]
    public void Match_BadFieldValue_IsNoMatch(char marker, string value)
    {
        string text = marker == 'v' ? "n_@v_end" : $"n_@v_@{marker}_end";
        string input = marker == 'v' ? $"n_{value}_end" : $"n_1_{value}_end";

        PatternMatch result = MatchPattern.Parse(text).Match(input, out InstanceMetadata metadata);

        Assert.Equal(PatternMatch.No, result);
        Assert.Equal(InstanceMetadata.Empty, metadata);
    }

    [Fact]
    public void Match_VersionOf255Bytes_MatchesButNot256()
    {
        MatchPattern pattern = MatchPattern.Parse("@v.raw");

        Assert.Equal(PatternMatch.Yes, pattern.Match(new string('1', 255) + ".raw", out _));
        Assert.Equal(PatternMatch.No, pattern.Match(new string('1', 256) + ".raw", out _));
    }

    private static readonly InstanceMetadata Full = new()
    {
        Version = "1.2~rc3",
        PartitionUuid = Guid.Parse("4f68bce3-e8cd-4db1-96e7-fbcaf984b709"),
        PartitionFlags = 0x1000000000000abc,
        MtimeMicroseconds = 1700000000123456,
        Mode = 0x1ED, // 0755
        Size = 4096,
        TriesDone = 1,
        TriesLeft = 2,
        NoAuto = true,
        ReadOnly = false,
        GrowFileSystem = true,
        Sha256 = Sha,
    };

    [Fact]
    public void Format_AllFields_EmitsSystemdForms()
    {
        MatchPattern pattern = MatchPattern.Parse("x_@v_@u_@f_@t_@m_@s_@d_@l_@a_@r_@g_@h.raw");

        string name = pattern.Format(Full);

        Assert.Equal($"x_1.2~rc3_4f68bce3e8cd4db196e7fbcaf984b709_1000000000000abc_1700000000123456_755_4096_1_2_1_0_1_{Sha}.raw", name);
    }

    [Fact]
    public void Format_AllFields_RoundTripsThroughMatch()
    {
        MatchPattern pattern = MatchPattern.Parse("dir-@v/@u_@f_@t_@m_@s_@d_@l_@a_@r_@g_@h.raw");

        PatternMatch result = pattern.Match(pattern.Format(Full), out InstanceMetadata metadata);

        Assert.Equal(PatternMatch.Yes, result);
        Assert.Equal(Full, metadata);
    }

    [Theory]
    [InlineData(0u, "000")]
    [InlineData(5u, "005")]
    [InlineData(0x1A4u, "644")]
    [InlineData(0x1FDu, "775")]
    [InlineData(0xFFFu, "7777")]
    public void Format_Mode_IsThreeDigitOctal(uint mode, string expected)
    {
        Assert.Equal($"m{expected}-1", MatchPattern.Parse("m@m-@v").Format(new InstanceMetadata { Version = "1", Mode = mode }));
    }

    [Fact]
    public void Format_UppercaseSha256_IsWrittenLowercase()
    {
        string name = MatchPattern.Parse("@v-@h").Format(new InstanceMetadata { Version = "1", Sha256 = Sha.ToUpperInvariant() });

        Assert.Equal("1-" + Sha, name);
    }

    [Fact]
    public void Format_BootCounting_WritesTriesAsGiven()
    {
        var metadata = new InstanceMetadata { Version = "1.2", TriesLeft = 3, TriesDone = 0 };

        Assert.Equal("uki_1.2+3-0.efi", MatchPattern.Parse("uki_@v+@l-@d.efi").Format(metadata));
        Assert.Equal("uki_1.2+3.efi", MatchPattern.Parse("uki_@v+@l.efi").Format(metadata));
        Assert.Equal("uki_1.2.efi", MatchPattern.Parse("uki_@v.efi").Format(metadata));
    }

    [Theory]
    [InlineData("foo_@v.raw", 'v')]
    [InlineData("uki_@v+@l-@d.efi", 'd')]
    [InlineData("@v_@u", 'u')]
    [InlineData("@v_@h", 'h')]
    [InlineData("@v_@a", 'a')]
    public void Format_MissingField_ThrowsNamingTheField(string text, char missing)
    {
        var metadata = new InstanceMetadata { Version = missing == 'v' ? null : "1", TriesLeft = 3 };

        SysUpdateException e = Assert.Throws<SysUpdateException>(() => MatchPattern.Parse(text).Format(metadata));

        Assert.Contains("@" + missing, e.Message, StringComparison.Ordinal);
        Assert.Equal(Errno.ENXIO, e.Errno);
    }

    [Fact]
    public void Format_GeneratedMetadata_RoundTripsThroughMatch()
    {
        Gen<string> versions = Gen.Elements("0123456789abcXYZ.-~^+".ToCharArray())
            .NonEmptyListOf()
            .Select(chars => new string(chars.Take(40).ToArray()));
        Gen<ulong> numbers = ArbMap.Default.GeneratorFor<ulong>().Where(n => n != ulong.MaxValue);
        Gen<InstanceMetadata> metadata =
            from version in versions
            from size in numbers
            from mtime in numbers
            from uuid in ArbMap.Default.GeneratorFor<Guid>()
            from readOnly in ArbMap.Default.GeneratorFor<bool>()
            select new InstanceMetadata { Version = version, Size = size, MtimeMicroseconds = mtime, PartitionUuid = uuid, ReadOnly = readOnly };
        MatchPattern pattern = MatchPattern.Parse("img_@v_@s_@t/@u-@r.raw");

        Prop.ForAll(metadata.ToArbitrary(), m =>
                pattern.Match(pattern.Format(m), out InstanceMetadata parsed) == PatternMatch.Yes && parsed == m)
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Parse_GlobPattern_ExposesPrefixAndBody()
    {
        MatchPattern pattern = MatchPattern.Parse("**/blob-@v.bin");

        Assert.True(pattern.HasGlobPrefix);
        Assert.Equal("**/blob-@v.bin", pattern.Text);
        Assert.False(pattern.WithoutGlobPrefix().HasGlobPrefix);
        Assert.Equal("blob-@v.bin", pattern.WithoutGlobPrefix().Text);
        Assert.True(pattern.HasField('v'));
    }

    [Fact]
    public void WithoutGlobPrefix_PlainPattern_ReturnsItself()
    {
        MatchPattern pattern = MatchPattern.Parse("blob-@v.bin");

        Assert.False(pattern.HasGlobPrefix);
        Assert.Same(pattern, pattern.WithoutGlobPrefix());
    }

    [Theory]
    [InlineData("blob-v1.bin", PatternMatch.YesAndRetry, "v1")]
    [InlineData("sub/blob-v1.bin", PatternMatch.YesAndRetry, "v1")]
    [InlineData("a/b/c/blob-v11.bin", PatternMatch.YesAndRetry, "v11")]
    [InlineData("sub", PatternMatch.Retry, null)]
    [InlineData("sub/other.bin", PatternMatch.Retry, null)]
    [InlineData("blob-v1.bin/x", PatternMatch.Retry, null)]
    [InlineData("sub/blob-v1.bin.sig", PatternMatch.Retry, null)]
    [InlineData("blob-v1.bin/", PatternMatch.Retry, null)]
    public void Match_GlobPattern_MatchesBasenameAtAnyDepth(string input, object expected, string? version)
    {
        PatternMatch result = MatchPattern.Parse("**/blob-@v.bin").Match(input, out InstanceMetadata metadata);

        Assert.Equal((PatternMatch)expected, result);
        Assert.Equal(version, metadata.Version);
    }

    [Fact]
    public void Format_GlobPattern_WritesBasename()
    {
        Assert.Equal("blob-v1.bin", MatchPattern.Parse("**/blob-@v.bin").Format(new InstanceMetadata { Version = "v1" }));
    }
}
