using System.Text.Json;
using System.Text.Json.Nodes;
using SysUpdate.Varlink.Client;

namespace SysUpdate.Varlink.Tests.Service;

/// <summary>
/// <c>ListFeatures</c> and <c>ListTargets</c> replies member for member as systemd 262.1 serves them.
/// The expected objects are 262.1's own replies (Debian 262.1-1, <c>varlinkctl call exec:…</c>) for the
/// same feature files; 262.1 lists features in hash order, so they are compared one by one.
/// </summary>
public sealed class FeatureReplyShapeTests
{
    private const string Interface = "io.systemd.SysUpdate.";

    private static JsonObject Host => new() { ["target"] = new JsonObject { ["class"] = "host" } };

    private static JsonObject Component(string name) =>
        new() { ["target"] = new JsonObject { ["class"] = "component", ["name"] = name } };

    /// <summary>The four features of 262.1's TEST-72, with <c>70-opt</c> controlled by <c>optional</c>.</summary>
    private static void WriteTest72Features(string root)
    {
        SysUpdateServer.Write(root, "etc/sysupdate.d/optional.feature",
            "[Feature]\nDescription=Optional Feature\nDocumentation=https://example.com/optional\nDocumentation=https://example.com/optional-more\nAppStream=https://example.com/optional.appstream.xml\n");
        SysUpdateServer.Write(root, "etc/sysupdate.d/undocumented.feature", "[Feature]\nDescription=Feature Without Documentation\n");
        SysUpdateServer.Write(root, "etc/sysupdate.d/malformed.feature",
            "[Feature]\nDescription=Feature With Invalid Suggest Condition\nSuggestOnFirmware=smbios-field(malformed)\n");
        SysUpdateServer.Write(root, "etc/sysupdate.d/suggested.feature", "[Feature]\nDescription=Suggested Feature\nSuggest=yes\n");
    }

    [SysUpdateBinaryFact]
    public async Task ListFeatures_Test72Features_EachObjectAs262()
    {
        await using var server = await SysUpdateServer.StartAsync(WriteTest72Features);
        await using var client = await server.ConnectAsync();

        var features = (await client.CallAsync(Interface + "ListFeatures", Host)).GetProperty("features")
            .EnumerateArray().ToDictionary(f => f.GetProperty("id").GetString()!, f => f.GetRawText());

        Assert.Equal(4, features.Count);
        Assert.Equal("""{"id":"optional","description":"Optional Feature","documentation":["https://example.com/optional","https://example.com/optional-more"],"appStream":"https://example.com/optional.appstream.xml","enabled":false,"suggested":false,"transfers":["70-opt"]}""", features["optional"]);
        Assert.Equal("""{"id":"undocumented","description":"Feature Without Documentation","enabled":false,"suggested":false}""", features["undocumented"]);
        Assert.Equal("""{"id":"malformed","description":"Feature With Invalid Suggest Condition","enabled":false}""", features["malformed"]);
        Assert.Equal("""{"id":"suggested","description":"Suggested Feature","enabled":false,"suggested":true}""", features["suggested"]);
    }

    [SysUpdateBinaryFact]
    public async Task ListFeatures_NoFeatureFiles_EmptyArray()
    {
        await using var server = await SysUpdateServer.StartAsync(root => File.Delete(Path.Combine(root, "etc/sysupdate.d/optional.feature")));
        await using var client = await server.ConnectAsync();

        var reply = await client.CallAsync(Interface + "ListFeatures", Host);

        Assert.Equal("""{"features":[]}""", reply.GetRawText());
    }

    [SysUpdateBinaryFact]
    public async Task ListFeatures_BadOrUnknownComponent_InvalidParameterOrNoSuchTarget()
    {
        await using var server = await SysUpdateServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var invalid = await Assert.ThrowsAsync<VarlinkErrorException>(() => client.CallAsync(Interface + "ListFeatures", Component("../")));
        Assert.Equal("org.varlink.service.InvalidParameter", invalid.Error);
        var unknown = await Assert.ThrowsAsync<VarlinkErrorException>(() => client.CallAsync(Interface + "ListFeatures", Component("doesnotexist")));
        Assert.Equal("io.systemd.SysUpdate.NoSuchTarget", unknown.Error);
    }

    [SysUpdateBinaryFact]
    public async Task ListTargets_HostAndComponent_HostNameIsNullAs262()
    {
        await using var server = await SysUpdateServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var reply = await client.CallAsync(Interface + "ListTargets");

        Assert.Equal("""{"targets":[{"id":{"class":"host","name":null}},{"id":{"class":"component","name":"extra"}}]}""", reply.GetRawText());
    }

    [SysUpdateBinaryFact]
    public async Task ListTargets_NothingConfigured_EmptyArray()
    {
        await using var server = await SysUpdateServer.StartAsync(root =>
        {
            Directory.Delete(Path.Combine(root, "etc/sysupdate.d"), recursive: true);
            Directory.Delete(Path.Combine(root, "etc/sysupdate.extra.d"), recursive: true);
        });
        await using var client = await server.ConnectAsync();

        var reply = await client.CallAsync(Interface + "ListTargets");

        Assert.Equal("""{"targets":[]}""", reply.GetRawText());
    }

    [SysUpdateBinaryFact]
    public async Task ListTargets_DefaultWithoutTransfers_OnlyComponents()
    {
        // systemd issue 41501: an empty sysupdate.d does not make the host a target.
        await using var server = await SysUpdateServer.StartAsync(root =>
        {
            Directory.Delete(Path.Combine(root, "etc/sysupdate.d"), recursive: true);
            Directory.CreateDirectory(Path.Combine(root, "run/sysupdate.d"));
        });
        await using var client = await server.ConnectAsync();

        var reply = await client.CallAsync(Interface + "ListTargets");

        Assert.Equal("""{"targets":[{"id":{"class":"component","name":"extra"}}]}""", reply.GetRawText());
    }
}
