using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using SysUpdate.Varlink.Client;
using SysUpdate.Varlink.Server;

namespace SysUpdate.Varlink.Tests.Server;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class VarlinkServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Call_Ping_RepliesWithParameters()
    {
        await using var server = new TestServer();
        await using VarlinkClient client = await VarlinkClient.ConnectAsync(server.SocketPath);

        JsonElement reply = await client.CallAsync("org.example.Test.Ping", new JsonObject { ["text"] = "hello" });

        Assert.Equal("hello", reply.GetProperty("text").GetString());
    }

    [Fact]
    public async Task GetInfo_ListsServiceAndRegisteredInterfaces()
    {
        await using var server = new TestServer();
        await using VarlinkClient client = await VarlinkClient.ConnectAsync(server.SocketPath);

        JsonElement info = await client.GetInfoAsync();

        Assert.Equal("SysUpdate", info.GetProperty("vendor").GetString());
        Assert.Equal("Varlink tests", info.GetProperty("product").GetString());
        Assert.Equal("1", info.GetProperty("version").GetString());
        Assert.Equal("https://example.org/test", info.GetProperty("url").GetString());
        Assert.Equal(["org.varlink.service", "org.example.Test"], info.GetProperty("interfaces").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task GetInterfaceDescription_RegisteredInterface_ReturnsTextVerbatim()
    {
        await using var server = new TestServer();
        await using VarlinkClient client = await VarlinkClient.ConnectAsync(server.SocketPath);

        Assert.Equal(TestService.Idl, await client.GetInterfaceDescriptionAsync("org.example.Test"));
        Assert.Equal(VarlinkServiceInterface.Description, await client.GetInterfaceDescriptionAsync("org.varlink.service"));
        var e = await Assert.ThrowsAsync<VarlinkErrorException>(() => client.GetInterfaceDescriptionAsync("org.example.Nope"));
        Assert.Equal(VarlinkErrors.InterfaceNotFound, e.Error);
        Assert.Equal("org.example.Nope", e.Parameters.GetProperty("interface").GetString());
    }

    [Theory]
    [InlineData("org.example.Nope.Ping", VarlinkErrors.InterfaceNotFound, "interface", "org.example.Nope")]
    [InlineData("NoDots", VarlinkErrors.InterfaceNotFound, "interface", "NoDots")]
    [InlineData("org.example.Test.Pong", VarlinkErrors.MethodNotFound, "method", "org.example.Test.Pong")]
    [InlineData("org.example.Test.Unimplemented", VarlinkErrors.MethodNotImplemented, "method", "org.example.Test.Unimplemented")]
    public async Task Call_UnknownTarget_RepliesWithStandardError(string method, string error, string parameter, string value)
    {
        await using var server = new TestServer();
        await using VarlinkClient client = await VarlinkClient.ConnectAsync(server.SocketPath);

        var e = await Assert.ThrowsAsync<VarlinkErrorException>(() => client.CallAsync(method));

        Assert.Equal(error, e.Error);
        Assert.Equal(value, e.Parameters.GetProperty(parameter).GetString());
        Assert.Equal("still", (await client.CallAsync("org.example.Test.Ping", new JsonObject { ["text"] = "still" })).GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("""{}""", "text")]
    [InlineData("""{"text":1}""", "text")]
    [InlineData("""{"text":null}""", "text")]
    [InlineData("""{"text":"a","other":1}""", "other")]
    public async Task Call_WrongParameters_RepliesInvalidParameter(string parameters, string expected)
    {
        await using var server = new TestServer();
        await using VarlinkClient client = await VarlinkClient.ConnectAsync(server.SocketPath);
        using JsonDocument document = JsonDocument.Parse(parameters);

        var e = await Assert.ThrowsAsync<VarlinkErrorException>(() => client.CallAsync("org.example.Test.Ping", document.RootElement));

        Assert.Equal(VarlinkErrors.InvalidParameter, e.Error);
        Assert.Equal(expected, e.Parameters.GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task Call_HandlerThrowsVarlinkError_RepliesWithThatError()
    {
        await using var server = new TestServer();
        await using VarlinkClient client = await VarlinkClient.ConnectAsync(server.SocketPath);

        var e = await Assert.ThrowsAsync<VarlinkErrorException>(() => client.CallAsync("org.example.Test.Fail", new JsonObject { ["reason"] = "because" }));

        Assert.Equal("org.example.Test.Failed", e.Error);
        Assert.Equal("because", e.Parameters.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Call_HandlerThrowsOtherException_RepliesSystemErrorAndKeepsServing()
    {
        await using var server = new TestServer();
        await using VarlinkClient client = await VarlinkClient.ConnectAsync(server.SocketPath);

        var e = await Assert.ThrowsAsync<VarlinkErrorException>(() => client.CallAsync("org.example.Test.Crash"));

        Assert.Equal(VarlinkErrors.SystemError, e.Error);
        Assert.Equal("EIO", e.Parameters.GetProperty("errnoName").GetString());
        Assert.Equal(5, e.Parameters.GetProperty("errno").GetInt32());
        Assert.Contains(server.Log, line => line.Contains("handler bug", StringComparison.Ordinal));
        Assert.Equal("ok", (await client.CallAsync("org.example.Test.Ping", new JsonObject { ["text"] = "ok" })).GetProperty("text").GetString());
    }

    [Fact]
    public async Task CallMore_Count_StreamsContinuesRepliesThenFinal()
    {
        await using var server = new TestServer();
        await using VarlinkClient client = await VarlinkClient.ConnectAsync(server.SocketPath);

        var values = new List<long>();
        await foreach (JsonElement reply in client.CallMoreAsync("org.example.Test.Count", new JsonObject { ["n"] = 5 }))
        {
            values.Add(reply.GetProperty("i").GetInt64());
        }

        Assert.Equal([1, 2, 3, 4, 5], values);
        Assert.Equal("after", (await client.CallAsync("org.example.Test.Ping", new JsonObject { ["text"] = "after" })).GetProperty("text").GetString());
    }

    [Fact]
    public async Task CallMore_RawWire_MarksAllButLastReplyContinues()
    {
        await using var server = new TestServer();
        using RawConnection raw = await RawConnection.ConnectAsync(server.SocketPath);

        await raw.SendAsync("""{"method":"org.example.Test.Count","parameters":{"n":3},"more":true}""");

        for (int i = 1; i <= 3; i++)
        {
            JsonElement reply = (await raw.ReceiveAsync())!.Value;
            Assert.Equal(i, reply.GetProperty("parameters").GetProperty("i").GetInt32());
            Assert.Equal(i < 3, reply.TryGetProperty("continues", out JsonElement c) && c.GetBoolean());
        }
    }

    [Fact]
    public async Task Call_StreamingMethodWithoutMore_RepliesExpectedMore()
    {
        await using var server = new TestServer();
        await using VarlinkClient client = await VarlinkClient.ConnectAsync(server.SocketPath);

        var e = await Assert.ThrowsAsync<VarlinkErrorException>(() => client.CallAsync("org.example.Test.Count", new JsonObject { ["n"] = 2 }));

        Assert.Equal(VarlinkErrors.ExpectedMore, e.Error);
    }

    [Fact]
    public async Task Oneway_Call_RunsHandlerAndSendsNoReply()
    {
        await using var server = new TestServer();
        using RawConnection raw = await RawConnection.ConnectAsync(server.SocketPath);

        await raw.SendAsync("""{"method":"org.example.Test.Record","parameters":{"value":"x"},"oneway":true}""");
        await raw.SendAsync("""{"method":"org.example.Test.Fail","parameters":{"reason":"r"},"oneway":true}""");
        await raw.SendAsync("""{"method":"org.example.Test.Nope","oneway":true}""");
        await raw.SendAsync("""{"method":"org.example.Test.Ping","parameters":{"text":"next"}}""");

        JsonElement reply = (await raw.ReceiveAsync())!.Value;
        Assert.Equal("next", reply.GetProperty("parameters").GetProperty("text").GetString());
        Assert.Equal(["x"], server.Service.Recorded);
    }

    [Fact]
    public async Task CallOneway_Client_HandlerRuns()
    {
        await using var server = new TestServer();
        await using VarlinkClient client = await VarlinkClient.ConnectAsync(server.SocketPath);

        await client.CallOnewayAsync("org.example.Test.Record", new JsonObject { ["value"] = "a" });
        await client.CallOnewayAsync("org.example.Test.Record", new JsonObject { ["value"] = "b" });
        JsonElement recorded = await client.CallAsync("org.example.Test.GetRecorded");

        Assert.Equal(["a", "b"], recorded.GetProperty("values").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task Pipelining_CallsSentBackToBack_RepliesInOrder()
    {
        await using var server = new TestServer();
        using RawConnection raw = await RawConnection.ConnectAsync(server.SocketPath);
        string calls = string.Concat(Enumerable.Range(0, 20).Select(i =>
            i % 5 == 4
                ? """{"method":"org.example.Test.Slow","parameters":{"seconds":0.01}}""" + "\0"
                : $$$"""{"method":"org.example.Test.Ping","parameters":{"text":"{{{i}}}"}}""" + "\0"));

        await raw.SendAsync(calls, terminate: false);

        for (int i = 0; i < 20; i++)
        {
            JsonElement reply = (await raw.ReceiveAsync())!.Value;
            JsonElement parameters = reply.GetProperty("parameters");
            Assert.Equal(i % 5 == 4 ? null : i.ToString(System.Globalization.CultureInfo.InvariantCulture), parameters.TryGetProperty("text", out JsonElement text) ? text.GetString() : null);
        }
    }

    [Fact]
    public async Task Disconnect_DuringSlowCall_CancelsHandlerToken()
    {
        await using var server = new TestServer();
        VarlinkClient client = await VarlinkClient.ConnectAsync(server.SocketPath);
        using var cts = new CancellationTokenSource();
        Task call = client.CallAsync("org.example.Test.Slow", new JsonObject { ["seconds"] = 60 }, cts.Token);
        await server.Service.SlowStarted.Task.WaitAsync(Timeout);

        await client.DisposeAsync();

        await server.Service.SlowCancelled.Task.WaitAsync(Timeout);
        await Assert.ThrowsAnyAsync<Exception>(() => call);
    }

    [Fact]
    public async Task ManyConnections_100Concurrent_AllServed()
    {
        await using var server = new TestServer(new VarlinkServerOptions { MaxConnectionsPerUid = 128 });

        string[] replies = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            await using VarlinkClient client = await VarlinkClient.ConnectAsync(server.SocketPath);
            JsonElement reply = await client.CallAsync("org.example.Test.Ping", new JsonObject { ["text"] = $"c{i}" });
            return reply.GetProperty("text").GetString()!;
        }));

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"c{i}"), replies);
    }

    [Fact]
    public async Task PerUidLimit_ExcessConnection_IsClosed()
    {
        await using var server = new TestServer(new VarlinkServerOptions { MaxConnectionsPerUid = 2 });
        await using VarlinkClient first = await VarlinkClient.ConnectAsync(server.SocketPath);
        await using VarlinkClient second = await VarlinkClient.ConnectAsync(server.SocketPath);
        await first.CallAsync("org.example.Test.Ping", new JsonObject { ["text"] = "1" });
        await second.CallAsync("org.example.Test.Ping", new JsonObject { ["text"] = "2" });

        using RawConnection third = await RawConnection.ConnectAsync(server.SocketPath);
        try
        {
            await third.SendAsync("""{"method":"org.example.Test.Ping","parameters":{"text":"3"}}""");
        }
        catch (SocketException)
        {
            // The server may close the excess connection before the call is written: a broken pipe is the same answer.
        }

        Assert.Null(await third.ReceiveAsync());
        Assert.Contains(server.Log, line => line.Contains("uid", StringComparison.Ordinal));
        Assert.Equal("1", (await first.CallAsync("org.example.Test.Ping", new JsonObject { ["text"] = "1" })).GetProperty("text").GetString());
    }

    [Fact]
    public async Task PerUidLimit_AfterDisconnect_SlotIsFreed()
    {
        await using var server = new TestServer(new VarlinkServerOptions { MaxConnectionsPerUid = 1 });
        await using (VarlinkClient first = await VarlinkClient.ConnectAsync(server.SocketPath))
        {
            await first.CallAsync("org.example.Test.Ping", new JsonObject { ["text"] = "1" });
        }

        await WaitUntilAsync(() => server.Server.ConnectionCount == 0);
        await using VarlinkClient second = await VarlinkClient.ConnectAsync(server.SocketPath);

        Assert.Equal("2", (await second.CallAsync("org.example.Test.Ping", new JsonObject { ["text"] = "2" })).GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"parameters":{}}""")]
    [InlineData("""{"method":1}""")]
    [InlineData("""{"method":"org.example.Test.Ping","parameters":[]}""")]
    public async Task MalformedMessage_ClosesConnection_OthersStillServed(string message)
    {
        await using var server = new TestServer();
        await using VarlinkClient other = await VarlinkClient.ConnectAsync(server.SocketPath);
        using RawConnection raw = await RawConnection.ConnectAsync(server.SocketPath);

        await raw.SendAsync(message);

        Assert.Null(await raw.ReceiveAsync());
        Assert.Equal("ok", (await other.CallAsync("org.example.Test.Ping", new JsonObject { ["text"] = "ok" })).GetProperty("text").GetString());
    }

    [Fact]
    public async Task OversizedMessage_20MiB_ClosesConnection_OthersStillServed()
    {
        await using var server = new TestServer();
        await using VarlinkClient other = await VarlinkClient.ConnectAsync(server.SocketPath);
        using RawConnection raw = await RawConnection.ConnectAsync(server.SocketPath);
        string huge = """{"method":"org.example.Test.Ping","parameters":{"text":" """ + new string('x', 20 * 1024 * 1024) + "\"}}";

        Task send = raw.SendAsync(huge);

        Assert.Null(await raw.ReceiveAsync(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAnyAsync<SocketException>(() => send);
        Assert.Contains(server.Log, line => line.Contains("exceeds", StringComparison.Ordinal));
        Assert.Equal("ok", (await other.CallAsync("org.example.Test.Ping", new JsonObject { ["text"] = "ok" })).GetProperty("text").GetString());
    }

    [Fact]
    public async Task LargeMessage_UnderLimit_IsServed()
    {
        await using var server = new TestServer();
        await using VarlinkClient client = await VarlinkClient.ConnectAsync(server.SocketPath);
        string text = new('y', 4 * 1024 * 1024);

        JsonElement reply = await client.CallAsync("org.example.Test.Ping", new JsonObject { ["text"] = text });

        Assert.Equal(text, reply.GetProperty("text").GetString());
    }

    [Fact]
    public async Task HalfSentMessage_ThenSilence_OthersServedMeanwhile()
    {
        // A timeout far beyond the test: the stalled connection is certainly still pending while the other is served.
        await using var server = new TestServer(new VarlinkServerOptions { PartialMessageTimeout = TimeSpan.FromHours(1) });
        using RawConnection stalled = await RawConnection.ConnectAsync(server.SocketPath);
        await stalled.SendAsync("""{"method":"org.example.Test.Ping","param""", terminate: false);

        await using VarlinkClient other = await VarlinkClient.ConnectAsync(server.SocketPath);
        JsonElement reply = await other.CallAsync("org.example.Test.Ping", new JsonObject { ["text"] = "ok" }).WaitAsync(Timeout);

        Assert.Equal("ok", reply.GetProperty("text").GetString());
        Assert.DoesNotContain(server.Log, line => line.Contains("partial message", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HalfSentMessage_ThenSilence_DisconnectedNoEarlierThanTimeout()
    {
        var partialTimeout = TimeSpan.FromMilliseconds(300);
        await using var server = new TestServer(new VarlinkServerOptions { PartialMessageTimeout = partialTimeout });
        using RawConnection stalled = await RawConnection.ConnectAsync(server.SocketPath);
        var sent = System.Diagnostics.Stopwatch.StartNew();
        await stalled.SendAsync("""{"method":"org.example.Test.Ping","param""", terminate: false);

        Assert.Null(await stalled.ReceiveAsync(Timeout));

        // A lower bound only (the server must wait out its timeout); the upper bound is the generous receive timeout.
        Assert.True(sent.Elapsed >= partialTimeout * 0.8, $"disconnected too early: {sent.Elapsed}");
        Assert.Contains(server.Log, line => line.Contains("partial message", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IdleConnection_BetweenMessages_IsNotTimedOut()
    {
        await using var server = new TestServer(new VarlinkServerOptions { PartialMessageTimeout = TimeSpan.FromMilliseconds(200) });
        await using VarlinkClient idle = await VarlinkClient.ConnectAsync(server.SocketPath);
        await idle.CallAsync("org.example.Test.Ping", new JsonObject { ["text"] = "1" });

        // A stalled connection opened after the idle one fell silent: once the server has timed it out, the idle
        // connection has been silent for longer than the timeout too — no sleep needed to know that.
        using (RawConnection stalled = await RawConnection.ConnectAsync(server.SocketPath))
        {
            await stalled.SendAsync("""{"method":"org.example.Test.Ping","param""", terminate: false);
            Assert.Null(await stalled.ReceiveAsync(Timeout));
        }

        Assert.Equal("2", (await idle.CallAsync("org.example.Test.Ping", new JsonObject { ["text"] = "2" })).GetProperty("text").GetString());
    }

    [Fact]
    public async Task PeerCredentials_AreTheCallersUidGidPid()
    {
        await using var server = new TestServer();
        await using VarlinkClient client = await VarlinkClient.ConnectAsync(server.SocketPath);

        JsonElement reply = await client.CallAsync("org.example.Test.WhoAmI");

        Assert.Equal(Native.GetUid(), reply.GetProperty("uid").GetUInt32());
        Assert.Equal(Native.GetGid(), reply.GetProperty("gid").GetUInt32());
        Assert.Equal(Environment.ProcessId, reply.GetProperty("pid").GetInt32());
        Assert.Equal(Environment.ProcessId, client.Peer!.Value.ProcessId);
    }

    [Fact]
    public async Task BindUnixSocket_StaleSocketFile_IsReplacedAndWorldConnectable()
    {
        string directory = Directory.CreateTempSubdirectory("varlink-bind-").FullName;
        try
        {
            string path = Path.Combine(directory, "s.sock");
            // A socket file left behind by a process that died (.NET unlinks on Dispose, so bind elsewhere).
            using (var python = System.Diagnostics.Process.Start("python3", ["-c", $"import socket; socket.socket(socket.AF_UNIX).bind('{path}')"]))
            {
                await python.WaitForExitAsync();
            }

            Assert.True(File.Exists(path));
            var server = new VarlinkServer(new VarlinkServerOptions());
            using var cts = new CancellationTokenSource();
            Task listening = server.ListenAsync(path, cts.Token);
            await WaitUntilAsync(() => File.GetUnixFileMode(path).HasFlag(UnixFileMode.OtherWrite));
            Assert.Equal(
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite,
                File.GetUnixFileMode(path));
            await using (VarlinkClient client = await VarlinkClient.ConnectAsync(path))
            {
                Assert.Single((await client.GetInfoAsync()).GetProperty("interfaces").EnumerateArray());
            }

            await cts.CancelAsync();
            await listening.WaitAsync(Timeout);
            Assert.False(File.Exists(path));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AddInterface_SameNameTwice_Throws()
    {
        var server = new VarlinkServer(new VarlinkServerOptions());
        server.AddInterface(new TestService().CreateRegistration());

        Assert.Throws<ArgumentException>(() => server.AddInterface(new TestService().CreateRegistration()));
        Assert.Throws<ArgumentException>(() => new VarlinkInterfaceRegistration(TestService.Idl).Map("NotInIdl", (_, _) => Task.CompletedTask));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            await Task.Delay(10, cts.Token);
        }
    }
}
