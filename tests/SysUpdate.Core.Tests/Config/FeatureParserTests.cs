using SysUpdate.Core.Config;

namespace SysUpdate.Core.Tests.Config;

/// <summary>Feature and component files: URL settings kept per line as written, bad ones warned about.</summary>
public sealed class FeatureParserTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sysupdate-feat-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_root, name);
        File.WriteAllText(path, text);
        return path;
    }

    private SpecifierExpander Specifiers => new(new HostIdentity(_root));

    [Fact]
    public void Parse_RepeatedDocumentation_OneEntryPerLineNotSplitOnSpaces()
    {
        var path = Write("f.feature", "[Feature]\nDocumentation=https://a.example/x https://a.example/y\nDocumentation=https://b.example/\n");
        var diagnostics = new List<ConfigDiagnostic>();

        var feature = FeatureParser.Parse("f", [path], Specifiers, diagnostics);

        Assert.Equal(["https://a.example/x https://a.example/y", "https://b.example/"], feature.Documentation);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void Parse_InvalidAndUnexpandableUrls_IgnoredWithWarningsNamingTheLine()
    {
        var path = Write("f.feature", "[Feature]\nDocumentation=notaurl\nDocumentation=https://x.example/%m\nDocumentation=https://ok.example/\n");
        var diagnostics = new List<ConfigDiagnostic>();

        var feature = FeatureParser.Parse("f", [path], Specifiers, diagnostics);

        Assert.Equal(["https://ok.example/"], feature.Documentation);
        Assert.Equal([2, 3], diagnostics.Select(d => d.Location.Line));
        Assert.All(diagnostics, d => Assert.Equal(path, d.Location.Path));
    }

    [Fact]
    public void Parse_EmptyDocumentation_ResetsEarlierLines()
    {
        var path = Write("f.feature", "[Feature]\nDocumentation=https://a.example/\nDocumentation=\nDocumentation=https://b.example/\n");

        var feature = FeatureParser.Parse("f", [path], Specifiers, []);

        Assert.Equal(["https://b.example/"], feature.Documentation);
    }

    [Fact]
    public void Parse_RepeatedAppStream_LastLineWins()
    {
        var path = Write("f.feature", "[Feature]\nAppStream=https://a.example/1.xml\nAppStream=https://a.example/2.xml\n");

        var feature = FeatureParser.Parse("f", [path], Specifiers, []);

        Assert.Equal("https://a.example/2.xml", feature.AppStream);
    }

    [Fact]
    public void ParseComponent_RepeatedDocumentation_OneEntryPerLine()
    {
        var path = Write("sysupdate.c.component", "[Component]\nDocumentation=https://example.com/c https://example.com/c-more\nDocumentation=https://example.com/d\n");

        var component = ComponentParser.Parse("c", [path], Specifiers, []);

        Assert.Equal(["https://example.com/c https://example.com/c-more", "https://example.com/d"], component.Documentation);
    }
}
