using System.Net.Sockets;
using System.Text.Json.Nodes;
using SysUpdate.Varlink.Client;
using SysUpdate.Varlink.Server;

namespace SysUpdate.Varlink.Tests.Server;

public sealed class SocketActivationTests
{
    [Fact]
    public void Parse_MatchingPid_ReturnsFdsFrom3WithNames()
    {
        IReadOnlyList<VarlinkListenFd> fds = SocketActivation.Parse("42", "2", "varlink:other", 42);

        Assert.Equal([new VarlinkListenFd(3, "varlink"), new VarlinkListenFd(4, "other")], fds);
    }

    [Theory]
    [InlineData("41", "1", null)]
    [InlineData(null, "1", null)]
    [InlineData("42", null, null)]
    [InlineData("42", "0", null)]
    [InlineData("42", "-1", null)]
    [InlineData("42", "x", null)]
    public void Parse_NotForUs_ReturnsNone(string? pid, string? count, string? names)
    {
        Assert.Empty(SocketActivation.Parse(pid, count, names, 42));
    }

    [Fact]
    public void Parse_MissingNames_DefaultToUnknown()
    {
        Assert.Equal([new VarlinkListenFd(3, "unknown")], SocketActivation.Parse("7", "1", null, 7));
    }

    [Fact]
    public async Task ServeSocket_InheritedListeningFd_AcceptsConnections()
    {
        string directory = Directory.CreateTempSubdirectory("varlink-activation-").FullName;
        try
        {
            string path = Path.Combine(directory, "s.sock");
            using Socket original = VarlinkServer.BindUnixSocket(path);
            int fd = Native.Dup((int)original.Handle);
            Assert.True(fd >= 0);
            Socket inherited = SocketActivation.FromFd(fd);
            Assert.True(SocketActivation.IsListening(inherited));
            var service = new TestService();
            var server = new VarlinkServer(new VarlinkServerOptions()).AddInterface(service.CreateRegistration());
            using var cts = new CancellationTokenSource();

            Task serving = server.ServeActivatedAsync([inherited], cts.Token);
            await using (VarlinkClient client = await VarlinkClient.ConnectAsync(path))
            {
                Assert.Equal("a", (await client.CallAsync("org.example.Test.Ping", new JsonObject { ["text"] = "a" })).GetProperty("text").GetString());
            }

            await cts.CancelAsync();
            await serving.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task ServeSocket_ConnectedSocket_ServesThatConnectionThenReturns()
    {
        string directory = Directory.CreateTempSubdirectory("varlink-accept-").FullName;
        try
        {
            string path = Path.Combine(directory, "s.sock");
            using Socket listener = VarlinkServer.BindUnixSocket(path);
            Task<VarlinkClient> connecting = VarlinkClient.ConnectAsync(path);
            Socket accepted = await listener.AcceptAsync();
            Assert.False(SocketActivation.IsListening(accepted));
            var server = new VarlinkServer(new VarlinkServerOptions()).AddInterface(new TestService().CreateRegistration());

            Task serving = server.ServeSocketAsync(accepted);
            await using (VarlinkClient client = await connecting)
            {
                Assert.Equal("b", (await client.CallAsync("org.example.Test.Ping", new JsonObject { ["text"] = "b" })).GetProperty("text").GetString());
                Assert.False(serving.IsCompleted);
            }

            await serving.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
