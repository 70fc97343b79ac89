using System.Text.Json;
using System.Text.Json.Nodes;
using SysUpdate.Varlink.Client;

namespace SysUpdate.Varlink.Tests.Service;

/// <summary>
/// <c>GetTargetState</c> of the real <c>sysupdate varlink --listen</c> process over a <c>--root</c> with an
/// os-release and installed versions: the booted and newest installed versions, whether a restart is
/// pending as <c>sysupdate pending</c> decides it, and the AppStream and changelog URLs.
/// </summary>
public sealed class GetTargetStateTests
{
    private const string Method = "io.systemd.SysUpdate.GetTargetState";

    private static JsonObject Target(string @class, string? name = null)
    {
        var target = new JsonObject { ["class"] = @class };
        if (name is not null)
            target["name"] = name;
        return new JsonObject { ["target"] = target };
    }

    /// <summary>The host booted <paramref name="booted"/> with <paramref name="installed"/> of app in its
    /// target, and AppStream/ChangeLog URLs on the app transfer.</summary>
    private static Action<string> Prepare(string? booted, params int[] installed) => root =>
    {
        SysUpdateServer.Write(root, "etc/sysupdate.d/50-app.transfer", SysUpdateServer.Transfer("/src", "app_@v.img",
            "AppStream=https://example.org/app.xml\nChangeLog=https://example.org/changes/@v.html\n"));
        SysUpdateServer.Write(root, "etc/os-release", "ID=test\n" + (booted is null ? "" : $"IMAGE_VERSION={booted}\n"));
        foreach (int v in installed)
            SysUpdateServer.WriteBytes(root, $"dst/app_{v}.img", 65536, v);
    };

    private static async Task<JsonElement> GetStateAsync(SysUpdateServer server, JsonObject parameters)
    {
        await using var client = await server.ConnectAsync();
        return (await client.CallAsync(Method, parameters)).Clone();
    }

    [SysUpdateBinaryFact]
    public async Task GetTargetState_BootedOlderThanInstalled_RestartPending()
    {
        await using var server = await SysUpdateServer.StartAsync(Prepare("1", 1, 2));

        var state = await GetStateAsync(server, Target("host"));

        Assert.Equal("1", state.GetProperty("bootedVersion").GetString());
        Assert.Equal("2", state.GetProperty("newestInstalled").GetString());
        Assert.True(state.GetProperty("restartPending").GetBoolean());
        Assert.Equal(["https://example.org/app.xml"], state.GetProperty("appstreamUrls").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["https://example.org/changes/2.html"], state.GetProperty("changelogUrls").EnumerateArray().Select(e => e.GetString()));
        Assert.False(state.TryGetProperty("jobId", out _));
    }

    [SysUpdateBinaryFact]
    public async Task GetTargetState_BootedIsNewestInstalled_NoRestartPending()
    {
        await using var server = await SysUpdateServer.StartAsync(Prepare("2", 1, 2));

        var state = await GetStateAsync(server, Target("host"));

        Assert.Equal("2", state.GetProperty("bootedVersion").GetString());
        Assert.Equal("2", state.GetProperty("newestInstalled").GetString());
        Assert.False(state.GetProperty("restartPending").GetBoolean());
    }

    [SysUpdateBinaryFact]
    public async Task GetTargetState_BootedNewerThanInstalled_NoRestartPending()
    {
        await using var server = await SysUpdateServer.StartAsync(Prepare("3", 1));

        var state = await GetStateAsync(server, Target("host"));

        Assert.Equal("3", state.GetProperty("bootedVersion").GetString());
        Assert.Equal("1", state.GetProperty("newestInstalled").GetString());
        Assert.False(state.GetProperty("restartPending").GetBoolean());
    }

    [SysUpdateBinaryFact]
    public async Task GetTargetState_NothingInstalledNoImageVersion_NullsAndNoChangelog()
    {
        await using var server = await SysUpdateServer.StartAsync(Prepare(null));

        var state = await GetStateAsync(server, Target("host"));

        Assert.False(state.TryGetProperty("bootedVersion", out var booted) && booted.ValueKind != JsonValueKind.Null);
        Assert.False(state.TryGetProperty("newestInstalled", out var newest) && newest.ValueKind != JsonValueKind.Null);
        Assert.False(state.GetProperty("restartPending").GetBoolean());
        Assert.Empty(state.GetProperty("changelogUrls").EnumerateArray());
        Assert.Single(state.GetProperty("appstreamUrls").EnumerateArray());
    }

    [SysUpdateBinaryFact]
    public async Task GetTargetState_Component_NoBootedVersionNoRestartPending()
    {
        await using var server = await SysUpdateServer.StartAsync(root =>
        {
            Prepare("1", 1, 2)(root);
            SysUpdateServer.WriteBytes(root, "extra-dst/extra_5.raw", 100, 5);
        });

        var state = await GetStateAsync(server, Target("component", "extra"));

        Assert.False(state.TryGetProperty("bootedVersion", out var booted) && booted.ValueKind != JsonValueKind.Null);
        Assert.Equal("5", state.GetProperty("newestInstalled").GetString());
        Assert.False(state.GetProperty("restartPending").GetBoolean());
    }

    [SysUpdateBinaryFact]
    public async Task GetTargetState_UnknownTarget_NoSuchTarget()
    {
        await using var server = await SysUpdateServer.StartAsync(Prepare("1", 1));
        await using var client = await server.ConnectAsync();

        var component = await Assert.ThrowsAsync<VarlinkErrorException>(() => client.CallAsync(Method, Target("component", "nope")));
        Assert.Equal("io.systemd.SysUpdate.NoSuchTarget", component.Error);
        var image = await Assert.ThrowsAsync<VarlinkErrorException>(() => client.CallAsync(Method, Target("sysext", "foo")));
        Assert.Equal("io.systemd.SysUpdate.NoSuchTarget", image.Error);
    }
}
