using System.Text.Json.Nodes;
using SysUpdate.Varlink.Tests.Service;

namespace SysUpdate.Varlink.Tests.Authorization;

/// <summary>
/// The real <c>sysupdate varlink</c> asking a real polkitd on a private dbus-daemon about callers that
/// run as test users (setpriv). The rules allow <c>sysupdate-test-allowed</c> to check and update,
/// want an administrator for it to update to a chosen version, let it vacuum the component "extra"
/// (by the details the service passes), and refuse everything else.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class PolkitAuthorizationTests
{
    private const string Rules = $$"""
        polkit.addRule(function(action, subject) {
            if (action.id.indexOf("org.freedesktop.sysupdate1.") != 0)
                return polkit.Result.NOT_HANDLED;
            if (subject.user == "{{TestUsers.Allowed}}") {
                if (action.id == "org.freedesktop.sysupdate1.check" || action.id == "org.freedesktop.sysupdate1.update")
                    return polkit.Result.YES;
                if (action.id == "org.freedesktop.sysupdate1.update-to-version")
                    return polkit.Result.AUTH_ADMIN;
                if (action.id == "org.freedesktop.sysupdate1.vacuum" && action.lookup("class") == "component" && action.lookup("name") == "extra")
                    return polkit.Result.YES;
            }
            return polkit.Result.NO;
        });
        """;

    private static JsonObject Host(string? version = null, bool? offline = null)
    {
        var parameters = new JsonObject { ["target"] = new JsonObject { ["class"] = "host" } };
        if (version is not null)
            parameters["version"] = version;
        if (offline is not null)
            parameters["offline"] = offline;
        return parameters;
    }

    [PolkitFact]
    public async Task Update_UserTheRuleAllows_InstallsTheNewestVersion()
    {
        await TestUsers.EnsureAsync(TestUsers.Allowed);
        await using var bus = await PolkitBus.StartAsync(Rules);
        await using var server = await StartServerAsync(bus.Address);

        var reply = await VarlinkCaller.CallAsync(server.SocketPath, TestUsers.Allowed, "io.systemd.SysUpdate.Update", Host());

        Assert.Null(VarlinkCaller.ErrorOf(reply));
        Assert.Equal("3", reply.GetProperty("parameters").GetProperty("version").GetString());
        Assert.True(File.Exists(Path.Combine(server.Destination, "app_3.img")), server.Log);
    }

    [PolkitFact]
    public async Task Update_UserTheRuleDenies_PermissionDeniedAndNothingInstalled()
    {
        await TestUsers.EnsureAsync(TestUsers.Denied);
        await using var bus = await PolkitBus.StartAsync(Rules);
        await using var server = await StartServerAsync(bus.Address);

        var update = await VarlinkCaller.CallAsync(server.SocketPath, TestUsers.Denied, "io.systemd.SysUpdate.Update", Host());
        var vacuum = await VarlinkCaller.CallAsync(server.SocketPath, TestUsers.Denied, "io.systemd.SysUpdate.Vacuum", Host());

        Assert.Equal("org.varlink.service.PermissionDenied", VarlinkCaller.ErrorOf(update));
        Assert.Equal("org.varlink.service.PermissionDenied", VarlinkCaller.ErrorOf(vacuum));
        Assert.Empty(Directory.EnumerateFileSystemEntries(server.Destination));
    }

    [PolkitFact]
    public async Task UpdateToVersion_RuleWantsAdminWithoutInteractionAllowed_InteractiveAuthenticationRequired()
    {
        await TestUsers.EnsureAsync(TestUsers.Allowed);
        await using var bus = await PolkitBus.StartAsync(Rules);
        await using var server = await StartServerAsync(bus.Address);

        var reply = await VarlinkCaller.CallAsync(server.SocketPath, TestUsers.Allowed, "io.systemd.SysUpdate.Update",
            Host(version: "2"));

        Assert.Equal("io.systemd.InteractiveAuthenticationRequired", VarlinkCaller.ErrorOf(reply));
        Assert.Empty(Directory.EnumerateFileSystemEntries(server.Destination));
    }

    [PolkitFact]
    public async Task UpdateToVersion_InteractionAllowedButNoAgent_PermissionDenied()
    {
        await TestUsers.EnsureAsync(TestUsers.Allowed);
        await using var bus = await PolkitBus.StartAsync(Rules);
        await using var server = await StartServerAsync(bus.Address);
        var parameters = Host(version: "2");
        parameters["allowInteractiveAuthentication"] = true;

        var reply = await VarlinkCaller.CallAsync(server.SocketPath, TestUsers.Allowed, "io.systemd.SysUpdate.Update", parameters);

        // polkit was allowed to ask, found no authentication agent on the bus, and said no.
        Assert.Equal("org.varlink.service.PermissionDenied", VarlinkCaller.ErrorOf(reply));
        Assert.Empty(Directory.EnumerateFileSystemEntries(server.Destination));
    }

    [PolkitFact]
    public async Task Vacuum_RuleMatchingTheTargetDetails_AllowsThatTargetOnly()
    {
        await TestUsers.EnsureAsync(TestUsers.Allowed);
        await using var bus = await PolkitBus.StartAsync(Rules);
        await using var server = await StartServerAsync(bus.Address);
        var component = new JsonObject { ["target"] = new JsonObject { ["class"] = "component", ["name"] = "extra" } };

        var extra = await VarlinkCaller.CallAsync(server.SocketPath, TestUsers.Allowed, "io.systemd.SysUpdate.Vacuum", component);
        var host = await VarlinkCaller.CallAsync(server.SocketPath, TestUsers.Allowed, "io.systemd.SysUpdate.Vacuum", Host());

        Assert.Null(VarlinkCaller.ErrorOf(extra));
        Assert.Equal(0, extra.GetProperty("parameters").GetProperty("removed").GetInt32());
        Assert.Equal("org.varlink.service.PermissionDenied", VarlinkCaller.ErrorOf(host));
    }

    [PolkitFact]
    public async Task CheckNew_AsksTheCheckAction_AllowedUserSeesTheCandidateDeniedUserDoesNot()
    {
        await TestUsers.EnsureAsync(TestUsers.Allowed);
        await TestUsers.EnsureAsync(TestUsers.Denied);
        await using var bus = await PolkitBus.StartAsync(Rules);
        await using var server = await StartServerAsync(bus.Address);

        var allowed = await VarlinkCaller.CallAsync(server.SocketPath, TestUsers.Allowed, "io.systemd.SysUpdate.CheckNew", Host());
        var denied = await VarlinkCaller.CallAsync(server.SocketPath, TestUsers.Denied, "io.systemd.SysUpdate.CheckNew", Host());
        var deniedOffline = await VarlinkCaller.CallAsync(server.SocketPath, TestUsers.Denied, "io.systemd.SysUpdate.ListVersions",
            Host(offline: true));

        Assert.Equal("3", allowed.GetProperty("parameters").GetProperty("available").GetString());
        Assert.Equal("org.varlink.service.PermissionDenied", VarlinkCaller.ErrorOf(denied));
        Assert.Null(VarlinkCaller.ErrorOf(deniedOffline));
    }

    [PolkitFact]
    public async Task Update_AsRootWithoutAnyBus_NeedsNoPolkit()
    {
        await using var server = await StartServerAsync(MissingBusAddress());

        var reply = await VarlinkCaller.CallAsync(server.SocketPath, user: null, "io.systemd.SysUpdate.Update", Host());

        Assert.Equal("3", reply.GetProperty("parameters").GetProperty("version").GetString());
        Assert.True(File.Exists(Path.Combine(server.Destination, "app_3.img")));
    }

    [PolkitFact]
    public async Task Update_NoBus_NonRootRefusedAndTheLogNamesTheBus()
    {
        await TestUsers.EnsureAsync(TestUsers.Allowed);
        string address = MissingBusAddress();
        await using var server = await StartServerAsync(address);

        var reply = await VarlinkCaller.CallAsync(server.SocketPath, TestUsers.Allowed, "io.systemd.SysUpdate.Update", Host());

        Assert.Equal("org.varlink.service.PermissionDenied", VarlinkCaller.ErrorOf(reply));
        Assert.Empty(Directory.EnumerateFileSystemEntries(server.Destination));
        Assert.Contains(address, server.Log, StringComparison.Ordinal);
    }

    [PolkitFact]
    public async Task Update_BusWithoutPolkit_NonRootRefused()
    {
        await TestUsers.EnsureAsync(TestUsers.Allowed);
        await using var bus = await PolkitBus.StartAsync(rules: null);
        await using var server = await StartServerAsync(bus.Address);

        var reply = await VarlinkCaller.CallAsync(server.SocketPath, TestUsers.Allowed, "io.systemd.SysUpdate.Update", Host());

        Assert.Equal("org.varlink.service.PermissionDenied", VarlinkCaller.ErrorOf(reply));
        Assert.Empty(Directory.EnumerateFileSystemEntries(server.Destination));
        Assert.Contains(bus.Address, server.Log, StringComparison.Ordinal);
    }

    private static Task<SysUpdateServer> StartServerAsync(string busAddress) =>
        SysUpdateServer.StartAsync(environment: new Dictionary<string, string> { ["DBUS_SYSTEM_BUS_ADDRESS"] = busAddress });

    private static string MissingBusAddress() =>
        "unix:path=" + Path.Combine(Path.GetTempPath(), "sysupdate-no-bus-" + Guid.NewGuid().ToString("N"), "system_bus_socket");
}
