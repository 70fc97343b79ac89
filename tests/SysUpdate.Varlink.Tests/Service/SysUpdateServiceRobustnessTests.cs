using System.Text;

namespace SysUpdate.Varlink.Tests.Service;

/// <summary>Many clients and misbehaving clients against the real <c>sysupdate varlink</c> process.</summary>
public sealed class SysUpdateServiceRobustnessTests
{
    private const string ListTargets = """{"method":"io.systemd.SysUpdate.ListTargets"}""";

    [SysUpdateBinaryFact]
    public async Task ListTargets_100ConcurrentConnections_AllAnswered()
    {
        await using var server = await SysUpdateServer.StartAsync();

        var connections = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => RawConnection.ConnectAsync(server.SocketPath)));
        try
        {
            await Task.WhenAll(connections.Select(c => c.SendAsync(ListTargets)));
            var replies = await Task.WhenAll(connections.Select(c => c.ReceiveAsync(TimeSpan.FromSeconds(30))));
            Assert.All(replies, r =>
            {
                Assert.NotNull(r);
                Assert.Equal(2, r.Value.GetProperty("parameters").GetProperty("targets").GetArrayLength());
            });
        }
        finally
        {
            foreach (var c in connections)
                c.Dispose();
        }
    }

    [SysUpdateBinaryFact]
    public async Task BadClients_EachGetsErrorOrDisconnect_OthersKeepBeingServed()
    {
        await using var server = await SysUpdateServer.StartAsync();

        // A half-sent message followed by silence: it must not block anyone else.
        using var halfSent = await RawConnection.ConnectAsync(server.SocketPath);
        await halfSent.SendAsync("""{"method":"io.systemd.SysUpdate.ListTa""", terminate: false);

        using (var unknown = await RawConnection.ConnectAsync(server.SocketPath))
        {
            await unknown.SendAsync("""{"method":"io.systemd.SysUpdate.Reboot"}""");
            var reply = await unknown.ReceiveAsync();
            Assert.Equal("org.varlink.service.MethodNotFound", reply!.Value.GetProperty("error").GetString());
            await unknown.SendAsync("""{"method":"io.systemd.Nope.Hello"}""");
            Assert.Equal("org.varlink.service.InterfaceNotFound", (await unknown.ReceiveAsync())!.Value.GetProperty("error").GetString());
        }

        using (var wrongTypes = await RawConnection.ConnectAsync(server.SocketPath))
        {
            await wrongTypes.SendAsync("""{"method":"io.systemd.SysUpdate.CheckNew","parameters":{"target":{"class":"host","name":5}}}""");
            var reply = (await wrongTypes.ReceiveAsync())!.Value;
            Assert.Equal("org.varlink.service.InvalidParameter", reply.GetProperty("error").GetString());
            await wrongTypes.SendAsync("""{"method":"io.systemd.SysUpdate.ListFeatures","parameters":{"target":"host"}}""");
            Assert.Equal("org.varlink.service.InvalidParameter", (await wrongTypes.ReceiveAsync())!.Value.GetProperty("error").GetString());
            await wrongTypes.SendAsync("""{"method":"io.systemd.SysUpdate.ListTargets","parameters":{"extra":1}}""");
            Assert.Equal("org.varlink.service.InvalidParameter", (await wrongTypes.ReceiveAsync())!.Value.GetProperty("error").GetString());
            await wrongTypes.SendAsync("""{"method":"io.systemd.SysUpdate.Update","parameters":{"target":{"class":"host"},"version":3}}""");
            Assert.Equal("org.varlink.service.InvalidParameter", (await wrongTypes.ReceiveAsync())!.Value.GetProperty("error").GetString());
            // The connection is still usable after parameter errors.
            await wrongTypes.SendAsync(ListTargets);
            Assert.True((await wrongTypes.ReceiveAsync())!.Value.TryGetProperty("parameters", out _));
        }

        using (var malformed = await RawConnection.ConnectAsync(server.SocketPath))
        {
            await malformed.SendAsync("{\"method\": io.systemd.SysUpdate.ListTargets");
            Assert.Null(await malformed.ReceiveAsync());
        }

        using (var huge = await RawConnection.ConnectAsync(server.SocketPath))
        {
            var text = new StringBuilder("""{"method":"io.systemd.SysUpdate.ListTargets","parameters":{"x":" """);
            text.Append('a', 20 << 20).Append("\"}}");
            try
            {
                await huge.SendAsync(text.ToString());
            }
            catch (System.Net.Sockets.SocketException)
            {
                // The server may close before all 20 MiB are written: that is the refusal.
            }
            Assert.Null(await huge.ReceiveAsync(TimeSpan.FromSeconds(30)));
        }

        using (var good = await RawConnection.ConnectAsync(server.SocketPath))
        {
            await good.SendAsync(ListTargets);
            var reply = (await good.ReceiveAsync())!.Value;
            Assert.Equal(2, reply.GetProperty("parameters").GetProperty("targets").GetArrayLength());
        }

        // The half-sent message never completes: when its sender stops sending, the server closes the
        // connection without a reply (the event waited for), and it is still alive.
        halfSent.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        Assert.Null(await halfSent.ReceiveAsync(TimeSpan.FromSeconds(30)));
        Assert.False(server.HasExited);
    }
}
