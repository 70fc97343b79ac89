using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests;

/// <summary><c>--json=short</c> is one compact line; <c>--json=pretty</c> is laid out as systemd's JSON
/// printer does it (tab indentation, <c>"key" : value</c>, <c>[]</c> for empty arrays).</summary>
public sealed class JsonOutputTests : IDisposable
{
    private readonly TempDirectory _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public async Task List_JsonPrettyAndShort_MatchSystemdLayout()
    {
        string source = _tmp.Dir("source"), target = _tmp.Dir("target"), definitions = _tmp.Dir("definitions");
        File.WriteAllText(Path.Combine(source, "app-1.bin"), "1");
        File.WriteAllText(Path.Combine(source, "app-2.bin"), "2");
        File.WriteAllText(Path.Combine(definitions, "10-app.transfer"), $"""
            [Source]
            Type=regular-file
            Path={source}
            MatchPattern=app-@v.bin

            [Target]
            Type=regular-file
            Path={target}
            """);
        var sysupdate = new SysUpdateProcess();

        var compact = (await sysupdate.RunAsync($"--definitions={definitions}", "--json=short", "list")).ShouldExit(0);
        Assert.Equal("{\"current\":null,\"all\":[\"2\",\"1\"],\"appstreamUrls\":[]}\n", compact.StandardOutput);

        var pretty = (await sysupdate.RunAsync($"--definitions={definitions}", "--json=pretty", "list")).ShouldExit(0);
        Assert.Equal("{\n\t\"current\" : null,\n\t\"all\" : [\n\t\t\"2\",\n\t\t\"1\"\n\t],\n\t\"appstreamUrls\" : []\n}\n", pretty.StandardOutput);
    }
}
