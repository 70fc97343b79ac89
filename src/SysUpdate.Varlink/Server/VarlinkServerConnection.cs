using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using SysUpdate.Varlink.Idl;
using SysUpdate.Varlink.Protocol;

namespace SysUpdate.Varlink.Server;

/// <summary>
/// Serves one connection: a read loop parses calls into a bounded queue (pipelining), a dispatch loop
/// handles them one by one so replies leave in call order. The read loop keeps reading while a handler
/// runs, so a disconnect is noticed at once and cancels the handler's token.
/// </summary>
/// <remarks>
/// Protocol errors (malformed JSON, a message that is not a call object, an oversized message, a
/// partial message followed by silence) close the connection without a reply, as the reference
/// implementations do: after a framing error there is no reliable message boundary to answer at.
/// End of stream from the peer counts as a disconnect: queued calls are dropped and a running handler
/// is cancelled.
/// </remarks>
internal sealed class VarlinkServerConnection
{
    private readonly VarlinkServer _server;
    private readonly VarlinkConnection _connection;

    public VarlinkServerConnection(VarlinkServer server, VarlinkConnection connection)
    {
        _server = server;
        _connection = connection;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using (_connection.ConfigureAwait(false))
        {
            using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _connection.Closed);
            Channel<QueuedCall> calls = Channel.CreateBounded<QueuedCall>(new BoundedChannelOptions(_server.Options.MaxQueuedCallsPerConnection)
            {
                SingleReader = true,
                SingleWriter = true,
            });

            Task dispatch = DispatchLoopAsync(calls.Reader, lifetime.Token);
            await ReadLoopAsync(calls.Writer, lifetime.Token).ConfigureAwait(false);
            await dispatch.ConfigureAwait(false);
            while (calls.Reader.TryRead(out QueuedCall dropped))
            {
                _server.Budget.Release(dropped.Size);
            }
        }
    }

    /// <summary>
    /// Reads calls into the queue. A read call's frame size stays reserved in the server's buffer budget until
    /// the call is handled, so pipelined calls that wait behind a slow one count against the budget too.
    /// </summary>
    private async Task ReadLoopAsync(ChannelWriter<QueuedCall> calls, CancellationToken cancellationToken)
    {
        string reason = "peer disconnected";
        try
        {
            while (true)
            {
                (JsonElement Message, long Size)? frame = await _connection.ReadFrameAsync(_server.Options.PartialMessageTimeout, cancellationToken).ConfigureAwait(false);
                if (frame is not { } read)
                {
                    break;
                }

                var call = new QueuedCall(VarlinkCallMessage.Parse(read.Message), read.Size);
                await _server.Budget.ReserveAsync(call.Size, cancellationToken).ConfigureAwait(false);
                try
                {
                    await calls.WriteAsync(call, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    _server.Budget.Release(call.Size);
                    throw;
                }
            }
        }
        catch (VarlinkProtocolException e)
        {
            reason = e.Message;
            _server.Log(VarlinkLogLevel.Warning, $"closing connection: {e.Message}", null);
        }
        catch (OperationCanceledException)
        {
            reason = cancellationToken.IsCancellationRequested && _connection.CloseReason is null ? "server stopping" : reason;
        }
        finally
        {
            calls.TryComplete();
            _connection.Close(reason);
        }
    }

    private async Task DispatchLoopAsync(ChannelReader<QueuedCall> calls, CancellationToken cancellationToken)
    {
        try
        {
            while (await calls.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (!cancellationToken.IsCancellationRequested && calls.TryRead(out QueuedCall queued))
                {
                    try
                    {
                        await DispatchAsync(queued.Message, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        _server.Budget.Release(queued.Size);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task DispatchAsync(VarlinkCallMessage message, CancellationToken cancellationToken)
    {
        if (!VarlinkNames.TrySplitMethod(message.Method, out string interfaceName, out string methodName))
        {
            await new VarlinkCall(_connection, message, null).ErrorAsync(VarlinkErrors.InterfaceNotFound, new JsonObject { ["interface"] = message.Method }, cancellationToken).ConfigureAwait(false);
            return;
        }

        VarlinkInterfaceRegistration? registration = _server.FindInterface(interfaceName);
        var call = new VarlinkCall(_connection, message, registration?.Definition);
        try
        {
            if (registration is null)
            {
                await call.ErrorAsync(VarlinkErrors.InterfaceNotFound, new JsonObject { ["interface"] = interfaceName }, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (!registration.Definition.Methods.TryGetValue(methodName, out VarlinkMethodDefinition? method))
            {
                await call.ErrorAsync(VarlinkErrors.MethodNotFound, new JsonObject { ["method"] = message.Method }, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (VarlinkParameterValidator.FindInvalidParameter(registration.Definition, method.Input, message.Parameters) is { } invalid)
            {
                await call.ErrorAsync(VarlinkErrors.InvalidParameter, new JsonObject { ["parameter"] = invalid }, cancellationToken).ConfigureAwait(false);
                return;
            }

            Func<VarlinkCall, CancellationToken, Task>? handler = registration.FindHandler(methodName);
            if (handler is null)
            {
                await call.ErrorAsync(VarlinkErrors.MethodNotImplemented, new JsonObject { ["method"] = message.Method }, cancellationToken).ConfigureAwait(false);
                return;
            }

            await InvokeAsync(handler, call, cancellationToken).ConfigureAwait(false);
        }
        catch (VarlinkProtocolException) when (_connection.State == VarlinkConnectionState.Closed)
        {
            // The peer is gone; nothing left to tell it.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task InvokeAsync(Func<VarlinkCall, CancellationToken, Task> handler, VarlinkCall call, CancellationToken cancellationToken)
    {
        try
        {
            await handler(call, cancellationToken).ConfigureAwait(false);
            if (!call.IsCompleted)
            {
                await call.ReplyAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (VarlinkErrorException e) when (!call.IsCompleted)
        {
            await call.ErrorAsync(e.Error, e.Parameters, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (VarlinkProtocolException) when (_connection.State == VarlinkConnectionState.Closed)
        {
            throw;
        }
        catch (Exception e)
        {
            // A handler bug or an unexpected environment failure: answer with systemd's generic error and
            // keep serving. The exception goes to the host's log, never to the peer.
            _server.Log(VarlinkLogLevel.Error, $"{call.Method} failed", e);
            if (!call.IsCompleted)
            {
                (int errno, string name) = ToErrno(e);
                await call.ErrorAsync(VarlinkErrors.SystemError, new JsonObject { ["errno"] = errno, ["errnoName"] = name }, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static (int Errno, string Name) ToErrno(Exception e) => e switch
    {
        UnauthorizedAccessException => (13, "EACCES"),
        FileNotFoundException or DirectoryNotFoundException => (2, "ENOENT"),
        NotSupportedException or NotImplementedException => (95, "EOPNOTSUPP"),
        TimeoutException => (110, "ETIMEDOUT"),
        OperationCanceledException => (125, "ECANCELED"),
        ArgumentException => (22, "EINVAL"),
        _ => (5, "EIO"),
    };
}
