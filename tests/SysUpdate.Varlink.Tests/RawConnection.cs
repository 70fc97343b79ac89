using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace SysUpdate.Varlink.Tests;

/// <summary>A bare socket speaking Varlink bytes by hand, to send what a well-behaved client would not.</summary>
internal sealed class RawConnection : IDisposable
{
    private readonly List<byte> _pending = [];

    private RawConnection(Socket socket)
    {
        Socket = socket;
    }

    public Socket Socket { get; }

    public static async Task<RawConnection> ConnectAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        return new RawConnection(socket);
    }

    public async Task SendAsync(string text, bool terminate = true)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        await Socket.SendAsync(bytes, SocketFlags.None);
        if (terminate)
        {
            await Socket.SendAsync(new byte[] { 0 }, SocketFlags.None);
        }
    }

    /// <summary>The next reply, or null when the server closed the connection.</summary>
    public async Task<JsonElement?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        byte[] buffer = new byte[65536];
        while (true)
        {
            int nul = _pending.IndexOf(0);
            if (nul >= 0)
            {
                byte[] frame = [.. _pending.GetRange(0, nul)];
                _pending.RemoveRange(0, nul + 1);
                using JsonDocument document = JsonDocument.Parse(frame);
                return document.RootElement.Clone();
            }

            int read;
            try
            {
                read = await Socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            }
            catch (SocketException)
            {
                return null;
            }

            if (read == 0)
            {
                return null;
            }

            _pending.AddRange(buffer.AsSpan(0, read));
        }
    }

    public void Dispose() => Socket.Dispose();
}
