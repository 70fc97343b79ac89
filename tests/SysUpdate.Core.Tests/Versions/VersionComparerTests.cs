using FsCheck;
using FsCheck.Fluent;
using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Tests.Versions;

public sealed class VersionComparerTests
{
    /// <summary>The reference order from strverscmp_improved's documentation, oldest first.</summary>
    private static readonly string[] ReferenceOrder =
    [
        "122.1", "123~rc1-1", "123", "123-a", "123-a.1", "123-1", "123-1.1", "123^post1", "123.a-1", "123.1-1", "123a-1", "124-1",
    ];

    public static TheoryData<string, string> ReferencePairs()
    {
        var data = new TheoryData<string, string>();
        for (int i = 0; i < ReferenceOrder.Length; i++)
        {
            for (int j = i + 1; j < ReferenceOrder.Length; j++)
            {
                data.Add(ReferenceOrder[i], ReferenceOrder[j]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ReferencePairs))]
    public void Compare_ReferenceOrderPair_OlderIsLessInBothDirections(string older, string newer)
    {
        Assert.True(VersionComparer.Compare(older, newer) < 0, $"{older} < {newer}");
        Assert.True(VersionComparer.Compare(newer, older) > 0, $"{newer} > {older}");
    }

    [Theory]
    [InlineData("00123", "123")]
    [InlineData("123_a", "123a")]
    [InlineData("1.02", "1.2")]
    [InlineData("123", "123")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData(null, null)]
    [InlineData("1+2", "1_2")]
    [InlineData("1,2", "1_2")]
    [InlineData("__1", "1")]
    [InlineData("v1", "v01")]
    [InlineData("1.0", "1.00")]
    [InlineData("ä1", "1")]
    public void Compare_EquivalentVersions_ReturnsZero(string? a, string? b)
    {
        Assert.Equal(0, VersionComparer.Compare(a, b));
        Assert.Equal(0, VersionComparer.Compare(b, a));
    }

    [Theory]
    [InlineData("1.9", "1.10")]
    [InlineData("abc", "abcde")]
    [InlineData("2", "2^x")]
    [InlineData("", "0")]
    [InlineData(null, "a")]
    [InlineData("1", "1.0")]
    [InlineData("1~rc1", "1")]
    [InlineData("1~rc1", "1-rc1")]
    [InlineData("1~", "1~~")] // after a shared "~" the longer string is newer, as in C
    [InlineData("1.0", "1_0")]
    [InlineData("9", "10")]
    [InlineData("1,2", "12")]
    [InlineData("099", "100")]
    [InlineData("1a", "1b")]
    [InlineData("1Z", "1a")]
    [InlineData("a", "1")]
    [InlineData("1-2", "1^2")]
    [InlineData("1^2", "1.2")]
    [InlineData("1.2", "1a")]
    [InlineData("247.2-3.1.fc33.x86_64", "247.3-1.fc33.x86_64")]
    [InlineData("5.11.0-0.rc5.20210128git76c057c84d28.137.fc34", "5.11.0-1.fc34")]
    [InlineData("18446744073709551615", "18446744073709551616")]
    [InlineData("99999999999999999999999999", "100000000000000000000000000")]
    public void Compare_OlderNewer_OrderedInBothDirections(string? older, string? newer)
    {
        Assert.True(VersionComparer.Compare(older, newer) < 0, $"{older} < {newer}");
        Assert.True(VersionComparer.Compare(newer, older) > 0, $"{newer} > {older}");
    }

    [Fact]
    public void Instance_SortsShuffledReferenceList_IntoReferenceOrder()
    {
        var shuffled = ReferenceOrder.Reverse().ToList();
        (shuffled[2], shuffled[7]) = (shuffled[7], shuffled[2]);

        shuffled.Sort(VersionComparer.Instance);

        Assert.Equal(ReferenceOrder, shuffled);
    }

    /// <summary>Strings mostly from the version alphabet, plus separators and a non-ASCII letter.</summary>
    private static Arbitrary<string> VersionLikeStrings()
    {
        Gen<char> chars = Gen.Frequency(
            (6, Gen.Elements("0123456789".ToCharArray())),
            (3, Gen.Elements("abcXYZ".ToCharArray())),
            (4, Gen.Elements("~-^.".ToCharArray())),
            (1, Gen.Elements("_+, /é\u0000".ToCharArray())));
        return Gen.Sized(size => Gen.Choose(0, Math.Min(size, 10)))
            .SelectMany(length => Gen.ArrayOf(chars, length))
            .Select(array => new string(array))
            .ToArbitrary();
    }

    [Fact]
    public void Compare_AnyString_IsReflexive()
    {
        Prop.ForAll(VersionLikeStrings(), x => VersionComparer.Compare(x, x) == 0 && VersionComparer.Compare(x, new string(x.AsSpan())) == 0)
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Compare_AnyPair_IsAntisymmetric()
    {
        Prop.ForAll(VersionLikeStrings(), VersionLikeStrings(), (a, b) =>
                Math.Sign(VersionComparer.Compare(a, b)) == -Math.Sign(VersionComparer.Compare(b, a)))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Compare_AnyTriple_IsTransitive()
    {
        Prop.ForAll(VersionLikeStrings(), VersionLikeStrings(), VersionLikeStrings(), (a, b, c) =>
            {
                string[][] orders = [[a, b, c], [a, c, b], [b, a, c], [b, c, a], [c, a, b], [c, b, a]];
                return orders.All(o =>
                    !(VersionComparer.Compare(o[0], o[1]) <= 0 && VersionComparer.Compare(o[1], o[2]) <= 0)
                    || VersionComparer.Compare(o[0], o[2]) <= 0);
            })
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Compare_PrefixSharingTriples_IsTransitive()
    {
        // Triples built from one stem make equal and near-equal segments common, where bugs hide.
        Arbitrary<string[]> triples = VersionLikeStrings().Generator
            .SelectMany(stem => Gen.ArrayOf(VersionLikeStrings().Generator.Select(tail => stem + tail), 3))
            .ToArbitrary();

        Prop.ForAll(triples, t =>
            {
                var sorted = t.ToList();
                sorted.Sort(VersionComparer.Instance);
                return VersionComparer.Compare(sorted[0], sorted[1]) <= 0
                    && VersionComparer.Compare(sorted[1], sorted[2]) <= 0
                    && VersionComparer.Compare(sorted[0], sorted[2]) <= 0;
            })
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Compare_SeparatorCharactersSwapped_GivesSameResult()
    {
        // Characters outside [0-9A-Za-z~^.-] only separate segments, so which one is used does not matter.
        Prop.ForAll(VersionLikeStrings(), VersionLikeStrings(), (a, b) =>
                Math.Sign(VersionComparer.Compare(a, b)) ==
                Math.Sign(VersionComparer.Compare(a.Replace('_', '+'), b.Replace(',', '_'))))
            .QuickCheckThrowOnFailure();
    }
}
