using System.Diagnostics;
using SysUpdate.Varlink.Client;

namespace SysUpdate.Varlink.Tests.Service;

/// <summary>
/// <c>sysupdate varlink</c> started by systemd-socket-activate (the sd_listen_fds protocol a socket unit
/// uses): a listening socket (Accept=no) and one process per connection (Accept=yes), with the explicit
/// <c>varlink</c> verb and with no verb at all, as upstream's systemd-sysupdate@.service starts it.
/// </summary>
public sealed class SocketActivatedServiceTests
{
    private const string Activate = Prerequisites.SocketActivate;

    [SocketActivatedTheory]
    [InlineData(false, "varlink")]
    [InlineData(true, "varlink")]
    [InlineData(true, null)]
    [InlineData(false, null)]
    public async Task Varlink_SocketActivated_ServesSuccessiveConnections(bool accept, string? verb)
    {
        string sysupdate = ServiceBinaries.SysUpdate!;
        // The --listen server only provides the root tree; the activated process serves it on another socket.
        await using var tree = await SysUpdateServer.StartAsync();
        string socket = Path.Combine(tree.TempDirectory, accept ? "accept.sock" : "listen.sock");
        var start = new ProcessStartInfo(Activate) { RedirectStandardError = true, RedirectStandardOutput = true };
        if (accept)
            start.ArgumentList.Add("--accept");
        foreach (string argument in new[] { "-l", socket, "--", sysupdate, "--root=" + tree.Root })
            start.ArgumentList.Add(argument);
        if (verb is not null)
            start.ArgumentList.Add(verb);
        using var activator = Process.Start(start)!;
        activator.BeginErrorReadLine();
        activator.BeginOutputReadLine();
        try
        {
            await WaitForSocketAsync(socket);
            for (int i = 0; i < 2; i++)
            {
                await using var client = await VarlinkClient.ConnectAsync(socket);
                var reply = await client.CallAsync("io.systemd.SysUpdate.ListTargets");
                Assert.Equal(2, reply.GetProperty("targets").GetArrayLength());
                Assert.Equal("3", (await client.CallAsync("io.systemd.SysUpdate.CheckNew", new System.Text.Json.Nodes.JsonObject
                {
                    ["target"] = new System.Text.Json.Nodes.JsonObject { ["class"] = "host" },
                })).GetProperty("available").GetString());
            }
        }
        finally
        {
            activator.Kill();
            await activator.WaitForExitAsync();
        }
    }

    /// <summary>Waits until the socket accepts a connection: systemd-socket-activate creates the file
    /// (bind) a moment before it listens, so the file alone is not the event to wait for.</summary>
    internal static async Task WaitForSocketAsync(string path)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "systemd-socket-activate did not start listening");
            if (File.Exists(path))
            {
                using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                try
                {
                    await probe.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
                    return;
                }
                catch (System.Net.Sockets.SocketException)
                {
                    // Bound but not yet listening.
                }
            }
            await Task.Delay(20);
        }
    }
}
