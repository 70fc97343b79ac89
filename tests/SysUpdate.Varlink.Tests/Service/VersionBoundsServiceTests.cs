using System.Text.Json;
using System.Text.Json.Nodes;
using SysUpdate.Varlink.Client;

namespace SysUpdate.Varlink.Tests.Service;

/// <summary><c>MaxVersion=</c> seen through <c>io.systemd.SysUpdate</c>: the <c>Version</c> type's
/// <c>tooNew</c> member and too-new flag bit, and the newest version within the bound offered.</summary>
public sealed class VersionBoundsServiceTests
{
    private const string Interface = "io.systemd.SysUpdate.";

    private static JsonObject Host(params (string Key, JsonNode? Value)[] more)
    {
        var parameters = new JsonObject { ["target"] = new JsonObject { ["class"] = "host" } };
        foreach (var (key, value) in more)
            parameters[key] = value;
        return parameters;
    }

    private static Task<SysUpdateServer> StartBoundedAsync() => SysUpdateServer.StartAsync(root =>
        SysUpdateServer.Write(root, "etc/sysupdate.d/50-app.transfer", SysUpdateServer.Transfer("/src", "app_@v.img", "MaxVersion=2\n")));

    [SysUpdateBinaryFact]
    public async Task ListVersions_MaxVersion_TooNewFlaggedAndNewestAllowedOffered()
    {
        await using var server = await StartBoundedAsync();
        await using var client = await server.ConnectAsync();

        var versions = (await client.CallAsync(Interface + "ListVersions", Host(("offline", false)))).GetProperty("versions")
            .EnumerateArray().ToDictionary(v => v.GetProperty("version").GetString()!, v => v.Clone());

        Assert.Equal("too-new", versions["3"].GetProperty("assessment").GetString());
        Assert.Equal(2 | 256, versions["3"].GetProperty("flags").GetInt32());
        Assert.True(versions["3"].GetProperty("tooNew").GetBoolean());
        Assert.Equal("candidate", versions["2"].GetProperty("assessment").GetString());
        Assert.False(versions["2"].TryGetProperty("tooNew", out _));

        Assert.Equal("2", (await client.CallAsync(Interface + "CheckNew", Host())).GetProperty("available").GetString());
    }

    [SysUpdateBinaryFact]
    public async Task Update_NamingTooNewVersion_FailsAndInstallsNothing()
    {
        await using var server = await StartBoundedAsync();
        await using var client = await server.ConnectAsync();

        await Assert.ThrowsAsync<VarlinkErrorException>(async () =>
        {
            await foreach (var _ in client.CallMoreAsync(Interface + "Update", Host(("version", "3"))))
            {
            }
        });

        Assert.Empty(Directory.GetFileSystemEntries(server.Destination));
    }
}
