using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using SysUpdate.Varlink.Protocol;

namespace SysUpdate.Varlink.Client;

/// <summary>
/// A Varlink client on one connection. Calls are serialized: each waits for the previous one (including
/// every reply of a <see cref="CallMoreAsync(string, JsonObject?, CancellationToken)"/> stream) to finish.
/// A call cancelled or abandoned mid-way leaves unread replies behind, so the connection is then closed
/// and later calls fail with <see cref="VarlinkProtocolException"/>.
/// </summary>
internal sealed class VarlinkClient : IAsyncDisposable
{
    private readonly VarlinkConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private VarlinkClient(VarlinkConnection connection)
    {
        _connection = connection;
    }

    /// <summary>
    /// How long to wait for each reply (for a streaming call: for each of its replies) before the connection is
    /// closed and the call fails with <see cref="VarlinkTimeoutException"/>. Infinite by default.
    /// </summary>
    public TimeSpan ReplyTimeout
    {
        get;
        set => field = value == Timeout.InfiniteTimeSpan || value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "must be positive or infinite");
    } = Timeout.InfiniteTimeSpan;

    /// <summary>The service's credentials (SO_PEERCRED), when known.</summary>
    public VarlinkPeerCredentials? Peer => _connection.PeerCredentials;

    /// <summary>Connects to the Unix socket at <paramref name="socketPath"/>.</summary>
    /// <exception cref="SocketException">Nothing listens there, or permission is denied.</exception>
    public static async Task<VarlinkClient> ConnectAsync(string socketPath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new VarlinkClient(new VarlinkConnection(new SocketTransport(socket)));
    }

    /// <summary>A client over any transport (tests use in-memory pipes). Takes ownership of it.</summary>
    public static VarlinkClient Create(IVarlinkTransport transport, int maxMessageSize = VarlinkFrameReader.DefaultMaxFrameSize) =>
        new(new VarlinkConnection(transport, maxMessageSize));

    /// <summary>Calls <paramref name="method"/> (fully qualified) and returns the reply's parameters (an object).</summary>
    /// <exception cref="VarlinkErrorException">The service answered with an error.</exception>
    /// <exception cref="VarlinkProtocolException">The connection broke or the reply was malformed.</exception>
    public Task<JsonElement> CallAsync(string method, JsonObject? parameters = null, CancellationToken cancellationToken = default) =>
        CallCoreAsync(VarlinkMessageWriter.Call(method, VarlinkMessageWriter.FromObject(parameters)), cancellationToken);

    /// <inheritdoc cref="CallAsync(string, JsonObject?, CancellationToken)"/>
    public Task<JsonElement> CallAsync(string method, JsonElement parameters, CancellationToken cancellationToken = default) =>
        CallCoreAsync(VarlinkMessageWriter.Call(method, VarlinkMessageWriter.FromElement(parameters)), cancellationToken);

    /// <summary>
    /// Calls with <c>more: true</c> and yields each reply's parameters: those with <c>continues: true</c>
    /// and the final one. An error reply ends the stream with <see cref="VarlinkErrorException"/>.
    /// </summary>
    public IAsyncEnumerable<JsonElement> CallMoreAsync(string method, JsonObject? parameters = null, CancellationToken cancellationToken = default) =>
        CallMoreCoreAsync(VarlinkMessageWriter.Call(method, VarlinkMessageWriter.FromObject(parameters), more: true), cancellationToken);

    /// <inheritdoc cref="CallMoreAsync(string, JsonObject?, CancellationToken)"/>
    public IAsyncEnumerable<JsonElement> CallMoreAsync(string method, JsonElement parameters, CancellationToken cancellationToken = default) =>
        CallMoreCoreAsync(VarlinkMessageWriter.Call(method, VarlinkMessageWriter.FromElement(parameters), more: true), cancellationToken);

    /// <summary>Sends a call with <c>oneway: true</c>; the service sends no reply.</summary>
    public async Task CallOnewayAsync(string method, JsonObject? parameters = null, CancellationToken cancellationToken = default)
    {
        byte[] frame = VarlinkMessageWriter.Call(method, VarlinkMessageWriter.FromObject(parameters), oneway: true);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _connection.SendAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary><c>org.varlink.service.GetInfo</c>: vendor, product, version, url, interfaces.</summary>
    public Task<JsonElement> GetInfoAsync(CancellationToken cancellationToken = default) =>
        CallAsync("org.varlink.service.GetInfo", (JsonObject?)null, cancellationToken);

    /// <summary><c>org.varlink.service.GetInterfaceDescription</c>: the interface's IDL text.</summary>
    public async Task<string> GetInterfaceDescriptionAsync(string interfaceName, CancellationToken cancellationToken = default)
    {
        JsonElement reply = await CallAsync("org.varlink.service.GetInterfaceDescription", new JsonObject { ["interface"] = interfaceName }, cancellationToken).ConfigureAwait(false);
        return reply.TryGetProperty("description", out JsonElement description) && description.ValueKind == JsonValueKind.String
            ? description.GetString()!
            : throw new VarlinkProtocolException("GetInterfaceDescription reply has no 'description' string");
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private async Task<JsonElement> CallCoreAsync(byte[] frame, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        bool finished = false;
        try
        {
            await _connection.SendAsync(frame, cancellationToken).ConfigureAwait(false);
            VarlinkReplyMessage reply = await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
            finished = true;
            if (reply.Continues)
            {
                throw Broken("Service sent 'continues' to a call without 'more'");
            }

            ThrowIfError(reply);
            return reply.Parameters;
        }
        finally
        {
            if (!finished)
            {
                _connection.Close("call abandoned before its reply");
            }

            _gate.Release();
        }
    }

    private async IAsyncEnumerable<JsonElement> CallMoreCoreAsync(byte[] frame, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        bool finished = false;
        try
        {
            await _connection.SendAsync(frame, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                VarlinkReplyMessage reply = await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
                if (!reply.Continues || reply.Error is not null)
                {
                    finished = true;
                }

                ThrowIfError(reply);
                yield return reply.Parameters;
                if (finished)
                {
                    yield break;
                }
            }
        }
        finally
        {
            if (!finished)
            {
                _connection.Close("streaming call abandoned before its final reply");
            }

            _gate.Release();
        }
    }

    private async ValueTask<VarlinkReplyMessage> ReadReplyAsync(CancellationToken cancellationToken)
    {
        TimeSpan replyTimeout = ReplyTimeout;
        using var timer = replyTimeout == Timeout.InfiniteTimeSpan ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer?.CancelAfter(replyTimeout);
        JsonElement? message;
        try
        {
            message = await _connection.ReadMessageAsync(Timeout.InfiniteTimeSpan, timer?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timer is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            _connection.Close("no reply in time");
            throw new VarlinkTimeoutException(replyTimeout);
        }

        if (message is null)
        {
            throw Broken("Service closed the connection before replying");
        }

        return VarlinkReplyMessage.Parse(message.Value);
    }

    private static void ThrowIfError(VarlinkReplyMessage reply)
    {
        if (reply.Error is not null)
        {
            throw new VarlinkErrorException(reply.Error, reply.Parameters);
        }
    }

    private VarlinkProtocolException Broken(string what)
    {
        _connection.Close(what);
        return new VarlinkProtocolException(what);
    }
}
