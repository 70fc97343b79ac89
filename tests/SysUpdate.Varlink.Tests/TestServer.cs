using System.Collections.Concurrent;
using System.Net.Sockets;
using SysUpdate.Varlink.Server;

namespace SysUpdate.Varlink.Tests;

/// <summary>A <see cref="VarlinkServer"/> with <see cref="TestService"/> on a real Unix socket in a temp dir.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private readonly string _directory;

    public TestServer(VarlinkServerOptions? options = null)
    {
        _directory = Directory.CreateTempSubdirectory("varlink-test-").FullName;
        SocketPath = Path.Combine(_directory, "test.sock");
        options ??= new VarlinkServerOptions();
        Server = new VarlinkServer(new VarlinkServerOptions
        {
            Vendor = "SysUpdate",
            Product = "Varlink tests",
            Version = "1",
            Url = "https://example.org/test",
            MaxConnections = options.MaxConnections,
            MaxConnectionsPerUid = options.MaxConnectionsPerUid,
            MaxMessageSize = options.MaxMessageSize,
            PartialMessageTimeout = options.PartialMessageTimeout,
            Log = (level, message, exception) => Log.Enqueue($"{level}: {message} {exception?.Message}"),
        });
        Server.AddInterface(Service.CreateRegistration());
        Socket listener = VarlinkServer.BindUnixSocket(SocketPath);
        _serving = Server.ServeSocketAsync(listener, _stop.Token);
    }

    public string SocketPath { get; }

    public VarlinkServer Server { get; }

    public TestService Service { get; } = new();

    public ConcurrentQueue<string> Log { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _serving.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
