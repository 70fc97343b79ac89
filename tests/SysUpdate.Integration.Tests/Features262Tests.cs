using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests;

/// <summary>
/// <c>features</c> and <c>components</c>, text and JSON, byte for byte as systemd 262.1 prints them. The
/// tree is the one of the shared 262.1 samples (spec/samples-262/cli-outputs.txt) plus TEST-72's four
/// features; every expected text below is real 262.1 output (Debian 262.1-1) for the same files.
/// </summary>
public sealed class Features262Tests : IDisposable
{
    private readonly TempDirectory _tmp = new();
    private readonly SysUpdateProcess _sysupdate = new();

    public Features262Tests()
    {
        Write("etc/sysupdate.d/app.transfer", Transfer("app_@v.raw", "[Transfer]\nChangeLog=https://example.com/changes/@v\nAppStream=https://example.com/app.xml\n"));
        Write("etc/sysupdate.d/extra.feature",
            "[Feature]\nDescription=Extra things\nDocumentation=https://example.com/extra https://example.com/extra-more\nAppStream=https://example.com/extra.xml\n");
        Write("etc/sysupdate.d/extra.transfer", Transfer("extra_@v.raw", "[Transfer]\nFeatures=extra\n"));
        Write("etc/sysupdate.devtools.component",
            "[Component]\nDescription=Developer tools\nDocumentation=https://example.com/dev https://example.com/dev-more\n");
        Write("etc/sysupdate.devtools.d/app.transfer", Transfer("app_@v.raw", ""));
        Directory.CreateDirectory(_tmp.Combine("srv"));
        Directory.CreateDirectory(_tmp.Combine("opt/app"));
    }

    public void Dispose() => _tmp.Dispose();

    private string Root => "--root=" + _tmp.Path;

    private void Write(string relative, string text)
    {
        string path = _tmp.Combine(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static string Transfer(string targetPattern, string head) =>
        $"{head}[Source]\nType=regular-file\nPath=/srv\nMatchPattern=app_@v.raw\n[Target]\nType=regular-file\nPath=/opt/app\nMatchPattern={targetPattern}\nInstancesMax=2\n";

    private void WriteTest72Features()
    {
        File.Delete(_tmp.Combine("etc/sysupdate.d/extra.feature"));
        Write("etc/sysupdate.d/optional.feature",
            "[Feature]\nDescription=Optional Feature\nDocumentation=https://example.com/optional\nDocumentation=https://example.com/optional-more\nAppStream=https://example.com/optional.appstream.xml\n");
        Write("etc/sysupdate.d/undocumented.feature", "[Feature]\nDescription=Feature Without Documentation\n");
        Write("etc/sysupdate.d/malformed.feature", "[Feature]\nDescription=Feature With Invalid Suggest Condition\nSuggestOnFirmware=smbios-field(malformed)\n");
        Write("etc/sysupdate.d/suggested.feature", "[Feature]\nDescription=Suggested Feature\nSuggest=yes\n");
        Write("etc/sysupdate.d/extra.transfer", Transfer("extra_@v.raw", "[Transfer]\nFeatures=optional\n"));
    }

    [Fact]
    public async Task Features_Sample_TableAsSystemd262()
    {
        var run = (await _sysupdate.RunAsync(Root, "features")).ShouldExit(0);
        Assert.Equal("""
            ENABLED SUGGESTED FEATURE DESCRIPTION  DOCUMENTATION
            ✗       ✗         extra   Extra things https://example.com/extra https://example.com/extra-more

            1 features listed.

            """, run.StandardOutput);
    }

    [Fact]
    public async Task Features_SampleJsonPretty_AsSystemd262()
    {
        var run = (await _sysupdate.RunAsync(Root, "--json=pretty", "features")).ShouldExit(0);
        Assert.Equal("{\n\t\"features\" : [\n\t\t\"extra\"\n\t]\n}\n", run.StandardOutput);
    }

    [Fact]
    public async Task FeaturesName_Sample_KeyValueTableAsSystemd262()
    {
        var run = (await _sysupdate.RunAsync(Root, "features", "extra")).ShouldExit(0);
        Assert.Equal("""
                       KEY VALUE
                     Name: extra
                  Enabled: no
                Suggested: no
              Description: Extra things
            Documentation: https://example.com/extra https://example.com/extra-more
                AppStream: https://example.com/extra.xml
                Transfers: extra

            """, run.StandardOutput);
    }

    [Fact]
    public async Task FeaturesName_SampleJsonPretty_OneDocumentationElementPerLine()
    {
        var run = (await _sysupdate.RunAsync(Root, "--json=pretty", "features", "extra")).ShouldExit(0);
        Assert.Equal(
            "{\n\t\"id\" : \"extra\",\n\t\"description\" : \"Extra things\",\n\t\"documentation\" : [\n\t\t\"https://example.com/extra https://example.com/extra-more\"\n\t],\n"
            + "\t\"appStream\" : \"https://example.com/extra.xml\",\n\t\"enabled\" : false,\n\t\"suggested\" : false,\n\t\"transfers\" : [\n\t\t\"extra\"\n\t]\n}\n",
            run.StandardOutput);
    }

    [Fact]
    public async Task Components_Sample_TableAndJsonAsSystemd262()
    {
        var table = (await _sysupdate.RunAsync(Root, "components")).ShouldExit(0);
        Assert.Equal("""
            ENABLED SUGGESTED COMPONENT DESCRIPTION       DOCUMENTATION
            -       -         <default> Default Component -
            ✓       ✗         devtools  Developer tools   https://example.com/dev https://example.com/dev-more

            """, table.StandardOutput);
        var json = (await _sysupdate.RunAsync(Root, "--json=pretty", "components")).ShouldExit(0);
        Assert.Equal("{\n\t\"default\" : true,\n\t\"components\" : [\n\t\t\"devtools\"\n\t]\n}\n", json.StandardOutput);
    }

    [Fact]
    public async Task FeaturesName_Test72Features_JsonShapesAs262()
    {
        WriteTest72Features();

        async Task<string> Json(string name) => (await _sysupdate.RunAsync(Root, "--json=short", "features", name)).ShouldExit(0).StandardOutput.TrimEnd('\n');

        Assert.Equal("""{"id":"optional","description":"Optional Feature","documentation":["https://example.com/optional","https://example.com/optional-more"],"appStream":"https://example.com/optional.appstream.xml","enabled":false,"suggested":false,"transfers":["extra"]}""", await Json("optional"));
        Assert.Equal("""{"id":"undocumented","description":"Feature Without Documentation","enabled":false,"suggested":false}""", await Json("undocumented"));
        Assert.Equal("""{"id":"malformed","description":"Feature With Invalid Suggest Condition","enabled":false}""", await Json("malformed"));
        Assert.Equal("""{"id":"suggested","description":"Suggested Feature","enabled":false,"suggested":true}""", await Json("suggested"));
    }

    [Fact]
    public async Task FeaturesName_MalformedSuggestCondition_ShowsErrorRow()
    {
        WriteTest72Features();

        var run = (await _sysupdate.RunAsync(Root, "features", "malformed")).ShouldExit(0);

        Assert.Equal("""
                     KEY VALUE
                   Name: malformed
                Enabled: no
              Suggested: error (Invalid argument)
            Description: Feature With Invalid Suggest Condition

            """, run.StandardOutput);
    }

    [Fact]
    public async Task Features_RepeatedDocumentation_OneLinePerUrlInTable()
    {
        WriteTest72Features();
        foreach (var name in new[] { "undocumented", "malformed", "suggested" })
            File.Delete(_tmp.Combine($"etc/sysupdate.d/{name}.feature"));

        var run = (await _sysupdate.RunAsync(Root, "features")).ShouldExit(0);

        Assert.Equal("""
            ENABLED SUGGESTED FEATURE  DESCRIPTION      DOCUMENTATION
            ✗       ✗         optional Optional Feature https://example.com/optional
                                                        https://example.com/optional-more

            1 features listed.

            """, run.StandardOutput);
    }

    [Fact]
    public async Task Features_NoneDefined_SaysNoFeatures()
    {
        File.Delete(_tmp.Combine("etc/sysupdate.d/extra.feature"));

        var run = (await _sysupdate.RunAsync(Root, "features")).ShouldExit(0);

        Assert.Contains("No features.", run.StandardError, StringComparison.Ordinal);
        var json = (await _sysupdate.RunAsync(Root, "--json=short", "features")).ShouldExit(0);
        Assert.Equal("{\"features\":[]}\n", json.StandardOutput);
    }

    [Fact]
    public async Task Features_InvalidDocumentationUrl_WarnsWithFileAndLineAndKeepsGoing()
    {
        Write("etc/sysupdate.d/extra.feature", "[Feature]\nDocumentation=notaurl\nDocumentation=https://example.com/ok\n");

        var run = (await _sysupdate.RunAsync(Root, "--json=short", "features", "extra")).ShouldExit(0);

        Assert.Contains("extra.feature:2: Documentation= URL is not valid, ignoring: notaurl", run.StandardError, StringComparison.Ordinal);
        Assert.Equal("""{"id":"extra","documentation":["https://example.com/ok"],"enabled":false,"suggested":false,"transfers":["extra"]}""", run.StandardOutput.TrimEnd('\n'));
    }

    [Fact]
    public async Task Components_DefaultWithoutTransfers_NotListed()
    {
        // systemd issue 41501: an existing but empty sysupdate.d is no default component.
        foreach (var f in Directory.GetFiles(_tmp.Combine("etc/sysupdate.d")))
            File.Delete(f);
        Write("etc/sysupdate.devtools.component", "[Component]\nDocumentation=https://example.com/some-component\nDocumentation=https://example.com/some-component-more\n");

        var json = (await _sysupdate.RunAsync(Root, "--json=short", "components")).ShouldExit(0);
        Assert.Equal("""{"default":false,"components":["devtools"]}""", json.StandardOutput.TrimEnd('\n'));
        var table = (await _sysupdate.RunAsync(Root, "components")).ShouldExit(0);
        Assert.Equal("""
            ENABLED SUGGESTED COMPONENT DESCRIPTION DOCUMENTATION
            ✓       ✗         devtools  -           https://example.com/some-component
                                                    https://example.com/some-component-more

            """, table.StandardOutput);
    }

    [Fact]
    public async Task Components_NoneDefined_SaysSo()
    {
        Directory.Delete(_tmp.Combine("etc/sysupdate.d"), recursive: true);
        Directory.Delete(_tmp.Combine("etc/sysupdate.devtools.d"), recursive: true);

        var run = (await _sysupdate.RunAsync(Root, "components")).ShouldExit(0);

        Assert.Contains("No components defined.", run.StandardError, StringComparison.Ordinal);
        var json = (await _sysupdate.RunAsync(Root, "--json=short", "components")).ShouldExit(0);
        Assert.Equal("""{"default":false,"components":[]}""", json.StandardOutput.TrimEnd('\n'));
    }
}
