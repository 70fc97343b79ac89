using System.Collections.Concurrent;
using System.Net.Sockets;
using SysUpdate.Varlink.Protocol;

namespace SysUpdate.Varlink.Server;

/// <summary>
/// A Varlink service: registered interfaces plus the built-in <c>org.varlink.service</c>, served on a
/// Unix socket it binds, on sockets inherited through socket activation, or on any transport.
/// Connections are independent; calls on one connection are handled one at a time, in order.
/// </summary>
internal sealed class VarlinkServer
{
    private readonly VarlinkServerOptions _options;
    private readonly List<VarlinkInterfaceRegistration> _interfaces = [];
    private readonly Dictionary<uint, int> _connectionsPerUid = [];
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly Lock _lock = new();
    private readonly VarlinkBufferBudget _budget;
    private readonly uint _ownUserId = EffectiveUserId.Get();
    private int _connections;

    public VarlinkServer(VarlinkServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _budget = new VarlinkBufferBudget(options.MaxBufferedBytes);
        _interfaces.Add(VarlinkServiceInterface.Create(options, () => Interfaces));
    }

    public VarlinkServerOptions Options => _options;

    /// <summary>The served interfaces, <c>org.varlink.service</c> first.</summary>
    public IReadOnlyList<VarlinkInterfaceRegistration> Interfaces
    {
        get
        {
            lock (_lock)
            {
                return [.. _interfaces];
            }
        }
    }

    /// <summary>Bytes held now for incomplete messages and queued calls, of <see cref="VarlinkServerOptions.MaxBufferedBytes"/>.</summary>
    public long BufferedBytes => _budget.Used;

    internal VarlinkBufferBudget Budget => _budget;

    /// <summary>Number of connections being served now.</summary>
    public int ConnectionCount => Volatile.Read(ref _connections);

    /// <exception cref="ArgumentException">An interface of that name is already registered.</exception>
    public VarlinkServer AddInterface(VarlinkInterfaceRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        lock (_lock)
        {
            if (_interfaces.Exists(i => i.Name == registration.Name))
            {
                throw new ArgumentException($"Interface {registration.Name} is already registered", nameof(registration));
            }

            _interfaces.Add(registration);
        }

        return this;
    }

    internal VarlinkInterfaceRegistration? FindInterface(string name)
    {
        lock (_lock)
        {
            return _interfaces.Find(i => i.Name == name);
        }
    }

    /// <summary>
    /// Binds a listening Unix socket at <paramref name="path"/>: removes a stale socket file, binds, and
    /// makes it connectable by everyone (0666; the server decides per call from peer credentials).
    /// </summary>
    public static Socket BindUnixSocket(string path, int backlog = 128)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(
                    path,
                    UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
            }

            socket.Listen(backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <c>--listen PATH</c>: binds <paramref name="path"/> and serves until cancelled, then removes the socket file.
    /// </summary>
    public async Task ListenAsync(string path, CancellationToken cancellationToken = default)
    {
        using Socket listener = BindUnixSocket(path, _options.ListenBacklog);
        try
        {
            await ServeListenerAsync(listener, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Serves the sockets passed by socket activation (see <see cref="SocketActivation.TakeSockets"/>):
    /// listening ones until cancelled, connected ones until their peer disconnects. Returns when all are done.
    /// </summary>
    public Task ServeActivatedAsync(IReadOnlyList<Socket> sockets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sockets);
        return Task.WhenAll(sockets.Select(s => ServeSocketAsync(s, cancellationToken)));
    }

    /// <summary>Serves a listening socket (accept loop) or a connected one (that one connection). Takes ownership.</summary>
    public Task ServeSocketAsync(Socket socket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (SocketActivation.IsListening(socket))
        {
            return ServeOwnedListenerAsync(socket, cancellationToken);
        }

        return ServeAcceptedAsync(socket, cancellationToken);
    }

    /// <summary>Accepts connections on <paramref name="listener"/> until cancelled; then waits for open connections to end.</summary>
    public async Task ServeListenerAsync(Socket listener, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listener);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                Socket accepted;
                try
                {
                    accepted = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.Interrupted or SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                {
                    Log(VarlinkLogLevel.Warning, $"accept failed: {e.SocketErrorCode}", null);
                    await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                Task connection = ServeAcceptedAsync(accepted, cancellationToken);
                _running.TryAdd(connection, 0);
                _ = connection.ContinueWith(static (t, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(t, out _), _running, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(_running.Keys).ConfigureAwait(false);
        }
    }

    /// <summary>Serves one connection over any transport (tests use in-memory pipes); returns when it ends.</summary>
    public async Task ServeConnectionAsync(IVarlinkTransport transport, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        VarlinkPeerCredentials? peer = transport.PeerCredentials;
        if (!TryEnter(peer))
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            return;
        }

        try
        {
            var connection = new VarlinkServerConnection(this, new VarlinkConnection(transport, MaxMessageSizeFor(peer), _budget));
            await connection.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Leave(peer);
        }
    }

    /// <summary>
    /// Root and the server's own user may send up to <see cref="VarlinkServerOptions.MaxMessageSize"/>; other
    /// users only <see cref="VarlinkServerOptions.MaxUnprivilegedMessageSize"/>. A transport without credentials
    /// is in-process (pipes) and trusted.
    /// </summary>
    private int MaxMessageSizeFor(VarlinkPeerCredentials? peer) => peer switch
    {
        { UserId: 0 } => _options.MaxMessageSize,
        { } p when p.UserId == _ownUserId => _options.MaxMessageSize,
        { } => _options.MaxUnprivilegedMessageSize,
        null => _options.MaxMessageSize,
    };

    internal void Log(VarlinkLogLevel level, string message, Exception? exception) =>
        _options.Log?.Invoke(level, message, exception);

    private async Task ServeOwnedListenerAsync(Socket listener, CancellationToken cancellationToken)
    {
        using (listener)
        {
            await ServeListenerAsync(listener, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ServeAcceptedAsync(Socket socket, CancellationToken cancellationToken)
    {
        try
        {
            await ServeConnectionAsync(new SocketTransport(socket), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Log(VarlinkLogLevel.Debug, "connection ended with an I/O error", e);
        }
    }

    private bool TryEnter(VarlinkPeerCredentials? peer)
    {
        lock (_lock)
        {
            if (_connections >= _options.MaxConnections)
            {
                Log(VarlinkLogLevel.Warning, $"connection refused: {_options.MaxConnections} connections open", null);
                return false;
            }

            if (peer is { } credentials)
            {
                int count = _connectionsPerUid.GetValueOrDefault(credentials.UserId);
                if (count >= _options.MaxConnectionsPerUid)
                {
                    Log(VarlinkLogLevel.Warning, $"connection refused: uid {credentials.UserId} has {count} connections open", null);
                    return false;
                }

                _connectionsPerUid[credentials.UserId] = count + 1;
            }

            _connections++;
            return true;
        }
    }

    private void Leave(VarlinkPeerCredentials? peer)
    {
        lock (_lock)
        {
            _connections--;
            if (peer is { } credentials)
            {
                int count = _connectionsPerUid[credentials.UserId] - 1;
                if (count == 0)
                {
                    _connectionsPerUid.Remove(credentials.UserId);
                }
                else
                {
                    _connectionsPerUid[credentials.UserId] = count;
                }
            }
        }
    }
}
