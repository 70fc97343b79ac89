using SysUpdate.Core.Sources;

namespace SysUpdate.Core.Tests.Sources;

public sealed class MirrorPreferenceTests : IDisposable
{
    private static readonly string[] Bases = ["https://a.example/os", "https://b.example/os", "https://c.example/os"];

    private readonly string _root = Directory.CreateTempSubdirectory("sysupdate-mirror-pref-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Order_NothingRecorded_ConfiguredOrder() =>
        Assert.Equal(Bases, new MirrorPreference(_root).Order(Bases));

    [Fact]
    public void Order_AfterRecord_ThatOneFirstRestInConfiguredOrder()
    {
        new MirrorPreference(_root).Record(Bases, Bases[2]);

        Assert.Equal([Bases[2], Bases[0], Bases[1]], new MirrorPreference(_root).Order(Bases));
        Assert.Single(Directory.GetFiles(new MirrorPreference(_root).Directory));
    }

    [Fact]
    public void Order_OtherListOfBases_NotAffected()
    {
        new MirrorPreference(_root).Record(Bases, Bases[1]);

        string[] other = [Bases[0], Bases[1]];
        Assert.Equal(other, new MirrorPreference(_root).Order(other));
    }

    [Theory]
    [InlineData("")]
    [InlineData("https://elsewhere.example/os\n")]
    [InlineData("\0\xff garbage")]
    public void Order_CorruptFile_Ignored(string content)
    {
        var preference = new MirrorPreference(_root);
        preference.Record(Bases, Bases[1]);
        File.WriteAllText(Assert.Single(Directory.GetFiles(preference.Directory)), content);

        Assert.Equal(Bases, preference.Order(Bases));
    }

    [Fact]
    public void Record_StateDirectoryNotWritable_LosesOnlyTheOrder()
    {
        File.WriteAllText(Path.Combine(_root, "var"), "a file where a directory should be");
        var preference = new MirrorPreference(_root);

        preference.Record(Bases, Bases[1]);

        Assert.Equal(Bases, preference.Order(Bases));
    }

    [Fact]
    public void Record_LeavesNoTemporaryFile()
    {
        var preference = new MirrorPreference(_root);
        preference.Record(Bases, Bases[1]);
        preference.Record(Bases, Bases[2]);

        var file = Assert.Single(Directory.GetFiles(preference.Directory));
        Assert.Equal(Bases[2] + "\n", File.ReadAllText(file));
    }
}
