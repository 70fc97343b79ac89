using System.Text.Json;
using System.Text.Json.Nodes;
using SysUpdate.Varlink.Client;
using SysUpdate.Varlink.Protocol;
using SysUpdate.Varlink.Server;

namespace SysUpdate.Varlink.Tests.Client;

public sealed class VarlinkClientTests
{
    [Fact]
    public async Task Call_OverInMemoryPipes_RoundTrips()
    {
        (PipeTransport serverEnd, PipeTransport clientEnd) = PipeTransport.CreatePair(new VarlinkPeerCredentials(1, 2, 3));
        var server = new VarlinkServer(new VarlinkServerOptions()).AddInterface(new TestService().CreateRegistration());
        Task serving = server.ServeConnectionAsync(serverEnd);

        await using (VarlinkClient client = VarlinkClient.Create(clientEnd))
        {
            JsonElement who = await client.CallAsync("org.example.Test.WhoAmI");
            Assert.Equal(2, who.GetProperty("uid").GetInt32());
            var counts = new List<int>();
            await foreach (JsonElement reply in client.CallMoreAsync("org.example.Test.Count", new JsonObject { ["n"] = 3 }))
            {
                counts.Add(reply.GetProperty("i").GetInt32());
            }

            Assert.Equal([1, 2, 3], counts);
        }

        await serving.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task CallMore_AbandonedEarly_ClosesConnection()
    {
        await using var server = new TestServer();
        await using VarlinkClient client = await VarlinkClient.ConnectAsync(server.SocketPath);

        await foreach (JsonElement reply in client.CallMoreAsync("org.example.Test.Count", new JsonObject { ["n"] = 100 }))
        {
            Assert.Equal(1, reply.GetProperty("i").GetInt32());
            break;
        }

        await Assert.ThrowsAsync<VarlinkProtocolException>(() => client.CallAsync("org.example.Test.Ping", new JsonObject { ["text"] = "x" }));
    }

    [Fact]
    public async Task CallMore_ErrorReply_ThrowsVarlinkError()
    {
        await using var server = new TestServer();
        await using VarlinkClient client = await VarlinkClient.ConnectAsync(server.SocketPath);

        var e = await Assert.ThrowsAsync<VarlinkErrorException>(async () =>
        {
            await foreach (JsonElement _ in client.CallMoreAsync("org.example.Test.Fail", new JsonObject { ["reason"] = "r" }))
            {
            }
        });

        Assert.Equal("org.example.Test.Failed", e.Error);
    }

    [Fact]
    public async Task ConnectAsync_NoListener_ThrowsSocketException()
    {
        string path = Path.Combine(Path.GetTempPath(), $"varlink-none-{Guid.NewGuid():N}.sock");

        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => VarlinkClient.ConnectAsync(path));
    }
}
