using SysUpdate.Varlink.Tests.Idl;
using System.Text.Json;
using System.Text.Json.Nodes;
using SysUpdate.Varlink.Client;
using SysUpdate.Varlink.Idl;

namespace SysUpdate.Varlink.Tests.Service;

/// <summary>The real <c>sysupdate varlink --listen</c> process, called with our client.</summary>
public sealed class SysUpdateServiceTests
{
    private const string Interface = "io.systemd.SysUpdate.";


    private static JsonObject Host => new() { ["target"] = new JsonObject { ["class"] = "host" } };

    private static JsonObject Target(string @class, string? name, params (string Key, JsonNode? Value)[] more)
    {
        var target = new JsonObject { ["class"] = @class };
        if (name is not null)
            target["name"] = name;
        var parameters = new JsonObject { ["target"] = target };
        foreach (var (key, value) in more)
            parameters[key] = value;
        return parameters;
    }

    [SysUpdateBinaryFact]
    public async Task Introspection_ServedIdl_MatchesVarlinkFileAndKeepsUpstreamMethodsExactly()
    {
        await using var server = await SysUpdateServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var info = await client.GetInfoAsync();
        Assert.Contains("io.systemd.SysUpdate", info.GetProperty("interfaces").EnumerateArray().Select(e => e.GetString()));
        string served = await client.GetInterfaceDescriptionAsync("io.systemd.SysUpdate");

        string? file = ServiceBinaries.RepositoryFile("src", "SysUpdate.Cli", "Varlink", "io.systemd.SysUpdate.varlink");
        Assert.NotNull(file);
        Assert.Equal(await File.ReadAllTextAsync(file), served);

        var ours = VarlinkInterfaceDefinition.Parse(served);
        var upstream = VarlinkInterfaceDefinition.Parse(SysUpdate262Idl.Text);
        Assert.Equal(upstream.Name, ours.Name);
        foreach (var (name, type) in upstream.Types)
            Assert.Equal(VarlinkIdlPrinter.Print(type.Type), VarlinkIdlPrinter.Print(ours.Types[name].Type));
        foreach (var (name, method) in upstream.Methods)
        {
            Assert.Equal(VarlinkIdlPrinter.Print(method.Input), VarlinkIdlPrinter.Print(ours.Methods[name].Input));
            Assert.Equal(VarlinkIdlPrinter.Print(method.Output), VarlinkIdlPrinter.Print(ours.Methods[name].Output));
        }
        foreach (var (name, error) in upstream.Errors)
            Assert.Equal(VarlinkIdlPrinter.Print(error.Parameters), VarlinkIdlPrinter.Print(ours.Errors[name].Parameters));
        Assert.All(["ListVersions", "Describe", "GetVersion", "Acquire", "Install", "Update", "Vacuum", "SetFeatureEnabled"],
            m => Assert.True(ours.Methods.ContainsKey(m), m));
    }

    [SysUpdateBinaryFact]
    public async Task ListTargets_RootWithComponent_HostThenComponent()
    {
        await using var server = await SysUpdateServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var reply = await client.CallAsync(Interface + "ListTargets");

        var ids = reply.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("id")).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Equal("host", ids[0].GetProperty("class").GetString());
        Assert.Equal(JsonValueKind.Null, ids[0].GetProperty("name").ValueKind);
        Assert.Equal("component", ids[1].GetProperty("class").GetString());
        Assert.Equal("extra", ids[1].GetProperty("name").GetString());
    }

    [SysUpdateBinaryFact]
    public async Task CheckNew_TargetErrors_AsUpstreamDefinesThem()
    {
        await using var server = await SysUpdateServer.StartAsync();
        await using var client = await server.ConnectAsync();

        Assert.Equal("3", (await client.CallAsync(Interface + "CheckNew", Host)).GetProperty("available").GetString());
        Assert.Equal("5", (await client.CallAsync(Interface + "CheckNew", Target("component", "extra"))).GetProperty("available").GetString());

        var hostWithName = await Assert.ThrowsAsync<VarlinkErrorException>(() => client.CallAsync(Interface + "CheckNew", Target("host", "x")));
        Assert.Equal("org.varlink.service.InvalidParameter", hostWithName.Error);
        Assert.Equal("target", hostWithName.Parameters.GetProperty("parameter").GetString());
        var componentWithoutName = await Assert.ThrowsAsync<VarlinkErrorException>(() => client.CallAsync(Interface + "CheckNew", Target("component", null)));
        Assert.Equal("org.varlink.service.InvalidParameter", componentWithoutName.Error);
        var unknownComponent = await Assert.ThrowsAsync<VarlinkErrorException>(() => client.CallAsync(Interface + "CheckNew", Target("component", "nope")));
        Assert.Equal("io.systemd.SysUpdate.NoSuchTarget", unknownComponent.Error);
        var image = await Assert.ThrowsAsync<VarlinkErrorException>(() => client.CallAsync(Interface + "CheckNew", Target("sysext", "foo")));
        Assert.Equal("io.systemd.SysUpdate.NoSuchTarget", image.Error);
        var badClass = await Assert.ThrowsAsync<VarlinkErrorException>(() => client.CallAsync(Interface + "CheckNew", Target("planet", "x")));
        Assert.Equal("org.varlink.service.InvalidParameter", badClass.Error);
    }

    [SysUpdateBinaryFact]
    public async Task Update_Streamed_ReportsPhasesInOrderAndInstallsNewest()
    {
        await using var server = await SysUpdateServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var replies = new List<JsonElement>();
        await foreach (var reply in client.CallMoreAsync(Interface + "Update", Host))
            replies.Add(reply.Clone());

        var progress = replies.SkipLast(1).Select(r => r.GetProperty("progress")).ToList();
        var phases = progress.Select(p => p.GetProperty("phase").GetString()).Distinct().ToList();
        Assert.Equal(["making_room", "acquiring", "installing", "done"], phases);
        var acquired = progress.Last(p => p.GetProperty("phase").GetString() == "acquiring");
        Assert.Equal("50-app", acquired.GetProperty("transfer").GetString());
        Assert.Equal(65536, acquired.GetProperty("bytesDone").GetInt64());
        Assert.Equal(65536, acquired.GetProperty("bytesTotal").GetInt64());
        Assert.Equal(100, progress[^1].GetProperty("percent").GetInt32());
        Assert.Equal("3", replies[^1].GetProperty("version").GetString());
        Assert.True(File.Exists(Path.Combine(server.Destination, "app_3.img")));

        Assert.Equal("3", (await client.CallAsync(Interface + "GetVersion", Host)).GetProperty("version").GetString());
        var noUpdate = await Assert.ThrowsAsync<VarlinkErrorException>(() => client.CallAsync(Interface + "CheckNew", Host));
        Assert.Equal("io.systemd.SysUpdate.NoUpdateNeeded", noUpdate.Error);
        var again = await Assert.ThrowsAsync<VarlinkErrorException>(() => client.CallAsync(Interface + "Update", Host));
        Assert.Equal("io.systemd.SysUpdate.NoUpdateNeeded", again.Error);

        var versions = await client.CallAsync(Interface + "ListVersions", Target("host", null, ("offline", false)));
        Assert.Equal("3", versions.GetProperty("current").GetString());
        var v3 = versions.GetProperty("versions").EnumerateArray().First();
        Assert.Equal(("3", "current", 7), (v3.GetProperty("version").GetString(), v3.GetProperty("assessment").GetString(), v3.GetProperty("flags").GetInt32()));

        var described = await client.CallAsync(Interface + "Describe", Target("host", null, ("version", "3")));
        Assert.True(described.GetProperty("version").GetProperty("installed").GetBoolean());
        var content = Assert.Single(described.GetProperty("contents").EnumerateArray());
        Assert.Equal(Path.Combine(server.Destination, "app_3.img"), content.GetProperty("path").GetString());
        Assert.Equal("regular-file", content.GetProperty("type").GetString());
        var missing = await Assert.ThrowsAsync<VarlinkErrorException>(() => client.CallAsync(Interface + "Describe", Target("host", null, ("version", "9"))));
        Assert.Equal("io.systemd.SysUpdate.NoSuchVersion", missing.Error);
    }

    [SysUpdateBinaryFact]
    public async Task AcquireThenInstall_OlderVersion_PendingThenCurrent()
    {
        await using var server = await SysUpdateServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var acquired = await client.CallAsync(Interface + "Acquire", Target("host", null, ("version", "2")));
        Assert.Equal("2", acquired.GetProperty("version").GetString());
        Assert.False(File.Exists(Path.Combine(server.Destination, "app_2.img")));
        var pending = await client.CallAsync(Interface + "Describe", Target("host", null, ("version", "2"), ("offline", true)));
        Assert.True(pending.GetProperty("version").GetProperty("pending").GetBoolean());

        var installed = await client.CallAsync(Interface + "Install", Host);
        Assert.Equal("2", installed.GetProperty("version").GetString());
        Assert.True(File.Exists(Path.Combine(server.Destination, "app_2.img")));
        Assert.Equal("2", (await client.CallAsync(Interface + "GetVersion", Host)).GetProperty("version").GetString());

        var notFound = await Assert.ThrowsAsync<VarlinkErrorException>(() => client.CallAsync(Interface + "Update", Target("host", null, ("version", "42"))));
        Assert.Equal("io.systemd.SysUpdate.NoSuchVersion", notFound.Error);
    }

    [SysUpdateBinaryFact]
    public async Task SetFeatureEnabled_EnableResetAndVacuum_ChangesFeaturesAndTransfers()
    {
        await using var server = await SysUpdateServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var before = (await client.CallAsync(Interface + "ListFeatures", Host)).GetProperty("features");
        var feature = Assert.Single(before.EnumerateArray());
        Assert.Equal("optional", feature.GetProperty("id").GetString());
        Assert.False(feature.GetProperty("enabled").GetBoolean());
        Assert.Equal(["https://example.org/doc"], feature.GetProperty("documentation").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(["70-opt"], feature.GetProperty("transfers").EnumerateArray().Select(d => d.GetString()));

        await client.CallAsync(Interface + "SetFeatureEnabled", Target("host", null, ("feature", "optional"), ("enabled", true)));
        Assert.True((await client.CallAsync(Interface + "ListFeatures", Host)).GetProperty("features")[0].GetProperty("enabled").GetBoolean());
        Assert.True(File.Exists(Path.Combine(server.Root, "etc/sysupdate.d/optional.feature.d/50-systemd-sysupdate-enabled.conf")));
        await client.CallAsync(Interface + "Update", Host);
        Assert.True(File.Exists(Path.Combine(server.Destination, "opt_3.img")));

        await client.CallAsync(Interface + "SetFeatureEnabled", Target("host", null, ("feature", "optional"), ("enabled", null)));
        Assert.False((await client.CallAsync(Interface + "ListFeatures", Host)).GetProperty("features")[0].GetProperty("enabled").GetBoolean());
        var vacuum = await client.CallAsync(Interface + "Vacuum", Host);
        Assert.Equal(1, vacuum.GetProperty("disabledTransfers").GetInt32());
        Assert.True(File.Exists(Path.Combine(server.Destination, "app_3.img")));

        var unknown = await Assert.ThrowsAsync<VarlinkErrorException>(() =>
            client.CallAsync(Interface + "SetFeatureEnabled", Target("host", null, ("feature", "nope"), ("enabled", true))));
        Assert.Equal("io.systemd.SysUpdate.NoSuchFeature", unknown.Error);
    }

    [SysUpdateBinaryFact]
    public async Task Update_ConnectionClosedMidStream_CommitsNothingBusyMeanwhileNextUpdateWorks()
    {
        // A 1 GiB sparse version 4: copying it takes seconds, so the disconnect lands mid-transfer.
        await using var server = await SysUpdateServer.StartAsync(root =>
        {
            using var big = File.Create(Path.Combine(root, "src", "app_4.img"));
            big.SetLength(1L << 30);
        });

        var first = await server.ConnectAsync();
        await using (first.ConfigureAwait(false))
        {
            await foreach (var reply in first.CallMoreAsync(Interface + "Update", Host))
            {
                if (reply.GetProperty("progress").GetProperty("phase").GetString() == "acquiring")
                {
                    // While it runs, a second change on the same target is refused, reading is not.
                    await using var second = await server.ConnectAsync();
                    var busy = await Assert.ThrowsAsync<VarlinkErrorException>(() => second.CallAsync(Interface + "Vacuum", Host));
                    Assert.Equal("io.systemd.SysUpdate.Busy", busy.Error);
                    Assert.Equal("4", (await second.CallAsync(Interface + "CheckNew", Host)).GetProperty("available").GetString());
                    break;
                }
            }
        }

        // Closing the connection cancelled the update. Wait until the target is free again (probing the lock
        // with a feature change that fails without changing anything), then: nothing installed, nothing pending,
        // the partial file removed.
        await using var client = await server.ConnectAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var probe = await Assert.ThrowsAsync<VarlinkErrorException>(() =>
                client.CallAsync(Interface + "SetFeatureEnabled", Target("host", null, ("feature", "nope"), ("enabled", true))));
            if (probe.Error != "io.systemd.SysUpdate.Busy")
                break;
            Assert.True(DateTime.UtcNow < deadline, "the cancelled update did not release the target");
            await Task.Delay(100);
        }
        Assert.DoesNotContain(Directory.EnumerateFiles(server.Destination), f => Path.GetFileName(f).Contains("app_4", StringComparison.Ordinal));
        Assert.Equal("4", (await client.CallAsync(Interface + "CheckNew", Host)).GetProperty("available").GetString());

        File.Delete(Path.Combine(server.Root, "src", "app_4.img"));
        var next = await client.CallAsync(Interface + "Update", Host);
        Assert.Equal("3", next.GetProperty("version").GetString());
        Assert.Equal(["app_3.img"], Directory.EnumerateFiles(server.Destination).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')));
    }

    [SysUpdateBinaryFact]
    public async Task Update_OnHost_CallsEveryNotifySubscriber()
    {
        string notify = Directory.CreateTempSubdirectory("sysupdate-notify-").FullName;
        string definitions = Directory.CreateTempSubdirectory("sysupdate-defs-").FullName;
        try
        {
            var calls = new System.Collections.Concurrent.ConcurrentQueue<JsonElement>();
            var registration = new SysUpdate.Varlink.Server.VarlinkInterfaceRegistration("""
                interface io.systemd.SysUpdate.Notify
                type Resource (transfer: string, path: ?string)
                method OnCompletedUpdate(component: ?string, version: ?string, resources: ?[]Resource) -> ()
                """).Map("OnCompletedUpdate", (call, _) =>
                {
                    calls.Enqueue(call.Parameters.Clone());
                    return Task.CompletedTask;
                });
            var subscriber = new SysUpdate.Varlink.Server.VarlinkServer(new SysUpdate.Varlink.Server.VarlinkServerOptions()).AddInterface(registration);
            using var stop = new CancellationTokenSource();
            var serving = subscriber.ListenAsync(Path.Combine(notify, "bootctl"), stop.Token);

            await using (var server = await SysUpdateServer.StartAsync(
                root => File.WriteAllText(Path.Combine(definitions, "50-app.transfer"),
                    SysUpdateServer.Transfer(Path.Combine(root, "src"), "app_@v.img", "", Path.Combine(root, "dst"))),
                new Dictionary<string, string> { ["SYSUPDATE_NOTIFY_DIRECTORY"] = notify },
                definitions))
            {
                await using var client = await server.ConnectAsync();
                Assert.Equal("3", (await client.CallAsync(Interface + "Update", Host)).GetProperty("version").GetString());
            }

            await stop.CancelAsync();
            await serving;
            var call = Assert.Single(calls);
            Assert.Equal("3", call.GetProperty("version").GetString());
            var resource = Assert.Single(call.GetProperty("resources").EnumerateArray());
            Assert.Equal("50-app", resource.GetProperty("transfer").GetString());
            Assert.EndsWith("app_3.img", resource.GetProperty("path").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(notify, recursive: true);
            Directory.Delete(definitions, recursive: true);
        }
    }
}
