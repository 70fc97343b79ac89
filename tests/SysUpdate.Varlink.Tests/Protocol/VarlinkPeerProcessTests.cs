using System.Diagnostics;
using System.Net.Sockets;
using SysUpdate.Varlink.Protocol;
using SysUpdate.Varlink.Tests.Service;

namespace SysUpdate.Varlink.Tests.Protocol;

/// <summary>
/// The pidfd a server takes for its peer at accept time follows that very process: alive while it
/// runs, gone once it has exited and been reaped — so a pid handed to a new process cannot pass
/// as the old caller.
/// </summary>
public sealed class VarlinkPeerProcessTests
{
    [Fact]
    public async Task TryOpen_PeerProcess_AliveWhileItRunsGoneAfterItExits()
    {
        string directory = Directory.CreateTempSubdirectory("sysupdate-pidfd-").FullName;
        try
        {
            string path = Path.Combine(directory, "peer.sock");
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen();

            // The peer connects, then waits for its stdin to close.
            var start = new ProcessStartInfo(Prerequisites.Python,
                ["-c", "import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); sys.stdin.read()", path])
            { RedirectStandardInput = true };
            using var peer = Process.Start(start)!;
            using var accepted = await listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var credentials = VarlinkPeerCredentials.TryGet(accepted)!.Value;

            using var process = VarlinkPeerProcess.TryOpen(accepted, credentials);

            Assert.NotNull(process);
            Assert.Equal(peer.Id, process.ProcessId);
            Assert.True(process.IsAlive());
            Assert.Equal(ProcessStartTime.TryRead(peer.Id), process.TryReadStartTime());
            Assert.NotNull(process.TryReadStartTime());

            peer.StandardInput.Close();
            await peer.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

            Assert.False(process.IsAlive());
            Assert.Null(process.TryReadStartTime());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task IsAlive_AfterDispose_False()
    {
        var (first, second) = await ConnectedPairAsync();
        using (first)
        using (second)
        {
            var process = VarlinkPeerProcess.TryOpen(first, VarlinkPeerCredentials.TryGet(first)!.Value)!;
            Assert.True(process.IsAlive());

            process.Dispose();

            Assert.False(process.IsAlive());
        }
    }

    private static Task<(Socket, Socket)> ConnectedPairAsync()
    {
        var first = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var second = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        string path = Path.Combine(Path.GetTempPath(), "sysupdate-pidfd-" + Guid.NewGuid().ToString("N") + ".sock");
        first.Bind(new UnixDomainSocketEndPoint(path));
        first.Listen();
        second.Connect(new UnixDomainSocketEndPoint(path));
        var accepted = first.Accept();
        first.Dispose();
        File.Delete(path);
        return Task.FromResult((accepted, second));
    }
}
