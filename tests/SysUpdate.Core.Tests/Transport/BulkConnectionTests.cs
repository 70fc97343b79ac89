using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using SysUpdate.Core.Transport;
using static SysUpdate.Core.Tests.Transport.TransportTestSupport;

namespace SysUpdate.Core.Tests.Transport;

/// <summary>
/// Payload bodies travel on connections of their own whose reads wait in the kernel
/// (<see cref="BlockingSocketStream"/>): what that must keep of the pooled client's behaviour
/// (timeouts, cancellation, redirects, every resolved address) and what it must not share.
/// </summary>
public sealed class BulkConnectionTests : IAsyncLifetime
{
    private readonly HttpTransportFactory _factory = new(FastOptions);
    private TestHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await TestHttpServer.StartAsync();

    public async Task DisposeAsync()
    {
        _factory.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task OpenDownloadAsync_BetweenManifestFetches_UsesItsOwnConnectionAndClosesIt()
    {
        _server.Serve("/SHA256SUMS", [1, 2, 3]);
        byte[] payload = RandomBytes(512 * 1024, 1);
        _server.Serve("/image.raw", payload);
        TransportClient client = _factory.CreateClient();

        await client.GetSmallFileAsync(_server.Url("/SHA256SUMS"), 1024);
        await using (DownloadStream stream = await client.OpenDownloadAsync(_server.Url("/image.raw"), 0, null))
        {
            (byte[] data, TransportException? error) = await DrainAsync(stream);
            Assert.Null(error);
            Assert.Equal(payload, data);
        }
        await client.GetSmallFileAsync(_server.Url("/SHA256SUMS"), 1024);

        RequestRecord[] manifests = _server.Requests("/SHA256SUMS").ToArray();
        RequestRecord image = Assert.Single(_server.Requests("/image.raw"));
        Assert.Equal(manifests[0].ConnectionId, manifests[1].ConnectionId); // small files keep their pooled connection
        Assert.NotEqual(manifests[0].ConnectionId, image.ConnectionId);
        Assert.Equal("close", image.Connection);
        Assert.Null(manifests[0].Connection);
    }

    [Fact]
    public async Task OpenDownloadAsync_NoResponseHeaders_ThrowsTimeoutAfterRetries()
    {
        ServedFile file = _server.Serve("/image.raw", [1]);
        file.HeaderDelay = NoHeadersWithinTheTest;
        using var factory = new HttpTransportFactory(FastOptions with { RetryCount = 1, ReadTimeout = TimeSpan.FromMilliseconds(200) });

        var ex = await Assert.ThrowsAsync<TransportException>(
            () => factory.CreateClient().OpenDownloadAsync(_server.Url("/image.raw"), 0, null).WaitAsync(HungTest));

        Assert.Equal(TransportError.Timeout, ex.Error);
        Assert.Contains("no response within 0.2 s", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(gave up after 2 attempts)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, await _server.RequestCountOnceAsync("/image.raw", 2, HungTest));
    }

    [Fact]
    public async Task OpenDownloadAsync_CancelledWhileWaitingForHeaders_ThrowsOperationCanceled()
    {
        ServedFile file = _server.Serve("/image.raw", [1]);
        file.HeaderDelay = NoHeadersWithinTheTest;
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _factory.CreateClient().OpenDownloadAsync(_server.Url("/image.raw"), 0, null, cancel.Token).WaitAsync(HungTest));

        Assert.Equal(1, await _server.RequestCountOnceAsync("/image.raw", 1, HungTest));
    }

    [Fact]
    public async Task OpenDownloadAsync_StallAfterRedirect_TimesOutOnTheRedirectedConnection()
    {
        ServedFile file = _server.Serve("/new/image.raw", RandomBytes(256 * 1024, 2));
        file.StallAfterBytes = 64 * 1024;
        _server.Redirect("/old/image.raw", "/new/image.raw");
        using var factory = new HttpTransportFactory(StallOptions);
        var clock = Stopwatch.StartNew();

        await using DownloadStream stream = await factory.CreateClient().OpenDownloadAsync(_server.Url("/old/image.raw"), 0, null);
        (byte[] data, TransportException? error) = await DrainAsync(stream).WaitAsync(HungTest);

        Assert.NotNull(error);
        Assert.Equal(TransportError.Timeout, error.Error);
        Assert.Equal(64 * 1024, data.Length);
        Assert.True(clock.Elapsed >= StallOptions.ReadTimeout, $"gave up after {clock.Elapsed}, before the read timeout");
    }

    [Fact]
    public async Task OpenDownloadAsync_ByNameResolvingToSeveralAddresses_ConnectsToTheOneListening()
    {
        // "localhost" resolves to ::1 and 127.0.0.1 here; the server listens on 127.0.0.1 only, so when ::1
        // comes first its refusal must lead to the next address rather than to an error.
        IPAddress[] addresses = await Dns.GetHostAddressesAsync("localhost");
        Assert.Contains(IPAddress.Loopback, addresses);
        byte[] payload = RandomBytes(64 * 1024, 3);
        _server.Serve("/image.raw", payload);
        var url = new UriBuilder(_server.Url("/image.raw")) { Host = "localhost" }.Uri;

        await using DownloadStream stream = await _factory.CreateClient().OpenDownloadAsync(url, 0, null);
        (byte[] data, TransportException? error) = await DrainAsync(stream);

        Assert.Null(error);
        Assert.Equal(payload, data);
    }

    [Fact]
    public async Task OpenDownloadAsync_ServerNeverAccepts_ThrowsConnectTimeout()
    {
        using var listener = new BacklogFullListener();
        var url = new Uri(FormattableString.Invariant($"http://127.0.0.1:{listener.Port}/image.raw"));
        using var factory = new HttpTransportFactory(FastOptions with { ConnectTimeout = TimeSpan.FromMilliseconds(300), RetryCount = 0 });

        var ex = await Assert.ThrowsAsync<TransportException>(() => factory.CreateClient().OpenDownloadAsync(url, 0, null).WaitAsync(HungTest));

        Assert.Equal(TransportError.Timeout, ex.Error);
        Assert.Contains("could not connect within 0.3 s", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenDownloadAsync_CancelledWhileConnecting_ThrowsOperationCanceled()
    {
        using var listener = new BacklogFullListener();
        var url = new Uri(FormattableString.Invariant($"http://127.0.0.1:{listener.Port}/image.raw"));
        using var factory = new HttpTransportFactory(FastOptions with { ConnectTimeout = TimeSpan.FromMinutes(10) });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => factory.CreateClient().OpenDownloadAsync(url, 0, null, cancel.Token).WaitAsync(HungTest));
    }

    [Fact]
    public async Task OpenDownloadAsync_Https_TlsRunsOverTheBlockingConnection()
    {
        using X509Certificate2 certificate = SelfSignedLoopbackCertificate();
        await using TestHttpServer server = await TestHttpServer.StartAsync(certificate);
        byte[] payload = RandomBytes(1024 * 1024, 4);
        server.Serve("/image.raw", payload);
        ServedFile stalling = server.Serve("/stalls.raw", RandomBytes(256 * 1024, 5));
        stalling.StallAfterBytes = 64 * 1024;
        // The product trusts the system's CAs; the test trusts its own certificate through the handler's options.
        var services = new ServiceCollection();
        services.AddSysUpdateTransport(StallOptions, handler => handler.SslOptions.RemoteCertificateValidationCallback =
            (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(certificate.RawData));
        await using ServiceProvider provider = services.BuildServiceProvider();
        var client = new TransportClient(provider.GetRequiredService<IHttpClientFactory>(), StallOptions);
        Assert.Equal(Uri.UriSchemeHttps, server.BaseUrl.Scheme);

        await using (DownloadStream stream = await client.OpenDownloadAsync(server.Url("/image.raw"), 0, null))
        {
            (byte[] data, TransportException? error) = await DrainAsync(stream).WaitAsync(HungTest);
            Assert.Null(error);
            Assert.Equal(payload, data);
        }

        await using DownloadStream stalled = await client.OpenDownloadAsync(server.Url("/stalls.raw"), 0, null);
        (byte[] partial, TransportException? stall) = await DrainAsync(stalled).WaitAsync(HungTest);
        Assert.Equal(TransportError.Timeout, stall?.Error);
        Assert.Equal(64 * 1024, partial.Length);
    }

    [Fact]
    public async Task Abort_WhileAnotherThreadWaitsInRead_EndsTheReadAndEveryLaterOne()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect((IPEndPoint)listener.LocalEndpoint);
        using Socket server = await listener.AcceptSocketAsync();
        using var connection = new BlockingSocketStream(socket);
        server.Send([42]);
        byte[] buffer = new byte[16];
        Assert.Equal(1, connection.Read(buffer));

        Task<int> blocked = Task.Factory.StartNew(() => connection.Read(buffer), TaskCreationOptions.LongRunning);
        await Task.Delay(100);
        Assert.False(blocked.IsCompleted); // nothing was sent: the read waits
        connection.Abort();

        Assert.Equal(0, await blocked.WaitAsync(HungTest));
        Assert.Equal(0, connection.Read(buffer));
    }

    [Fact]
    public void Constructor_NonBlockingSocket_IsRefused()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };

        Assert.Throws<ArgumentException>(() => new BlockingSocketStream(socket));
    }

    private static X509Certificate2 SelfSignedLoopbackCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // SslStream on Linux wants the key as loaded from PKCS#12, not the ephemeral one.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A listener whose accept queue is full: Linux drops further SYNs, so a connect waits until it gives up.</summary>
    private sealed class BacklogFullListener : IDisposable
    {
        private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly List<Socket> _queued = [];

        public BacklogFullListener()
        {
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen(0);
            for (int i = 0; i < 3; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
                try
                {
                    client.Connect(_listener.LocalEndPoint!);
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
                {
                }

                _queued.Add(client);
            }
        }

        public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

        public void Dispose()
        {
            foreach (Socket client in _queued)
                client.Dispose();
            _listener.Dispose();
        }
    }
}
