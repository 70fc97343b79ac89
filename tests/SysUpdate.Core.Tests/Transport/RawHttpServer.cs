using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SysUpdate.Core.Tests.Transport;

/// <summary>
/// A socket on 127.0.0.1 that answers every connection with the same bytes and then closes
/// cleanly (FIN), for responses Kestrel refuses to produce (a body shorter than its Content-Length,
/// a wrong Content-Range).
/// </summary>
internal sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly byte[] _response;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _connections;

    public RawHttpServer(string headers, byte[] body)
    {
        _response = [.. Encoding.ASCII.GetBytes(headers.ReplaceLineEndings("\r\n").TrimEnd() + "\r\n\r\n"), .. body];
        _listener.Start();
        Url = new Uri(FormattableString.Invariant($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/file"));
        _loop = AcceptLoopAsync();
    }

    public Uri Url { get; }

    public int Connections => Volatile.Read(ref _connections);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            using (socket)
            {
                await ReadRequestHeadersAsync(socket);
                await socket.SendAsync(_response, _stopping.Token);
                socket.Shutdown(SocketShutdown.Both);
            }
        }
    }

    private async Task ReadRequestHeadersAsync(Socket socket)
    {
        byte[] buffer = new byte[8192];
        int filled = 0;
        while (filled < buffer.Length)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory(filled), _stopping.Token);
            if (read == 0)
            {
                return;
            }

            filled += read;
            if (buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8) >= 0)
            {
                return;
            }
        }
    }
}
