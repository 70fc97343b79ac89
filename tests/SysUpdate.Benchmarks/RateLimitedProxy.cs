using System.Net;
using System.Net.Sockets;

namespace SysUpdate.Benchmarks;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a server: every byte the server sends to any client goes
/// through one <see cref="TokenBucket"/> (the aggregate rate of a vendor's uplink) and is counted.
/// </summary>
internal sealed class RateLimitedProxy : IAsyncDisposable
{
    private const int BufferSize = 64 * 1024;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly TokenBucket _bucket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _bytesToClients;

    public RateLimitedProxy(int upstreamPort, double bytesPerSecond)
    {
        _upstreamPort = upstreamPort;
        _bucket = new TokenBucket(bytesPerSecond, burst: BufferSize * 4);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(_stop.Token);
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Bytes sent from the server to clients (headers included) since the last <see cref="ResetCount"/>.</summary>
    public long BytesToClients => Interlocked.Read(ref _bytesToClients);

    public void ResetCount() => Interlocked.Exchange(ref _bytesToClients, 0);

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
                _ = RelayAsync(client, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RelayAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, cancellationToken).ConfigureAwait(false);
                var clientStream = client.GetStream();
                var serverStream = upstream.GetStream();
                var toServer = PumpAsync(clientStream, serverStream, limited: false, cancellationToken);
                var toClient = PumpAsync(serverStream, clientStream, limited: true, cancellationToken);
                await Task.WhenAny(toServer, toClient).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                // A client that goes away (or the end of the benchmark) ends its relay.
            }
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool limited, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[BufferSize];
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (limited)
                {
                    await _bucket.TakeAsync(n, cancellationToken).ConfigureAwait(false);
                    Interlocked.Add(ref _bytesToClients, n);
                }
                await to.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }
            to.Socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
    }
}
