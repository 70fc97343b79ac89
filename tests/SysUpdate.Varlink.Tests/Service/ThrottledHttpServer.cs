using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SysUpdate.Varlink.Tests.Service;

/// <summary>
/// A small HTTP/1.1 server on 127.0.0.1 (a port the kernel picks) that sends the files it serves paced
/// to <see cref="BytesPerSecond"/>, so an update spends a visible time downloading and a test can watch,
/// cancel or kill it. One request per connection (<c>Connection: close</c>); GET and HEAD.
/// </summary>
internal sealed class ThrottledHttpServer : IAsyncDisposable
{
    private const int ChunkSize = 16 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    private ThrottledHttpServer(long bytesPerSecond)
    {
        BytesPerSecond = bytesPerSecond;
        _listener.Start();
        BaseUrl = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = AcceptAsync();
    }

    public long BytesPerSecond { get; }

    public string BaseUrl { get; }

    public static ThrottledHttpServer Start(long bytesPerSecond) => new(bytesPerSecond);

    /// <summary>Serves <paramref name="content"/> as <c>/NAME</c>.</summary>
    public void Serve(string name, byte[] content) => _files["/" + name] = content;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            string head = await ReadHeadAsync(stream);
            string[] requestLine = head.Split("\r\n")[0].Split(' ');
            bool isHead = requestLine[0] == "HEAD";
            if (requestLine.Length < 2 || !_files.TryGetValue(requestLine[1], out byte[]? body))
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), _stopping.Token);
                return;
            }
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 200 OK\r\nContent-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"), _stopping.Token);
            if (!isHead)
                await SendPacedAsync(stream, body, _stopping.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away (cancelled or killed), or the server is stopping.
        }
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(buffer) == 0)
                throw new IOException("connection closed before the request ended");
            head.Append((char)buffer[0]);
        }
        return head.ToString();
    }

    private async Task SendPacedAsync(NetworkStream stream, byte[] body, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (sent < body.Length)
        {
            int count = (int)Math.Min(ChunkSize, body.Length - sent);
            await stream.WriteAsync(body.AsMemory((int)sent, count), cancellationToken);
            sent += count;
            var due = TimeSpan.FromSeconds(sent / (double)BytesPerSecond);
            if (due > clock.Elapsed)
                await Task.Delay(due - clock.Elapsed, cancellationToken);
        }
    }
}
