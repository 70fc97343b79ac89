using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using SysUpdate.Varlink.Idl;
using SysUpdate.Varlink.Protocol;

namespace SysUpdate.Varlink.Server;

/// <summary>
/// One incoming method call as a handler sees it. A handler answers with one final
/// <see cref="ReplyAsync(JsonObject?, bool, CancellationToken)"/> or <see cref="ErrorAsync(string, JsonObject?, CancellationToken)"/>;
/// when <see cref="More"/> is set it may first send any number of replies with <c>continues: true</c>.
/// For <see cref="Oneway"/> calls every reply is discarded. A handler that returns without a final
/// reply gets an empty one sent for it; throwing <see cref="VarlinkErrorException"/> sends that error.
/// </summary>
internal sealed class VarlinkCall
{
    private readonly VarlinkConnection _connection;
    private int _completed;

    internal VarlinkCall(VarlinkConnection connection, VarlinkCallMessage message, VarlinkInterfaceDefinition? definition)
    {
        _connection = connection;
        Method = message.Method;
        Parameters = message.Parameters;
        More = message.More;
        Oneway = message.Oneway;
        Upgrade = message.Upgrade;
        Interface = definition;
        Peer = connection.PeerCredentials;
        PeerProcess = connection.PeerProcess;
        VarlinkNames.TrySplitMethod(message.Method, out string interfaceName, out string methodName);
        InterfaceName = interfaceName;
        MethodName = methodName;
    }

    /// <summary>The fully qualified method, e.g. <c>io.systemd.SysUpdate.ListTargets</c>.</summary>
    public string Method { get; }

    public string InterfaceName { get; }

    /// <summary>The short method name, e.g. <c>ListTargets</c>.</summary>
    public string MethodName { get; }

    /// <summary>The call's parameters, already validated against the method's input type; always an object.</summary>
    public JsonElement Parameters { get; }

    /// <summary>The caller accepts several replies (<c>continues: true</c>).</summary>
    public bool More { get; }

    /// <summary>The caller wants no reply.</summary>
    public bool Oneway { get; }

    /// <summary>The caller asked to upgrade the connection to another protocol (not supported by this server).</summary>
    public bool Upgrade { get; }

    /// <summary>The interface definition the method belongs to.</summary>
    public VarlinkInterfaceDefinition? Interface { get; }

    /// <summary>The caller's pid/uid/gid from SO_PEERCRED; <see langword="null"/> on transports without credentials.</summary>
    public VarlinkPeerCredentials? Peer { get; }

    /// <summary>A pidfd for the caller's process taken at accept time, so a pid read later can be checked
    /// against a recycled one; <see langword="null"/> without one (pipes, or a caller already gone).</summary>
    public VarlinkPeerProcess? PeerProcess { get; }

    /// <summary>A final reply or error has been sent (or discarded, for oneway calls).</summary>
    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    public ValueTask ReplyAsync(JsonObject? parameters = null, bool continues = false, CancellationToken cancellationToken = default) =>
        SendReplyAsync(VarlinkMessageWriter.FromObject(parameters), continues, cancellationToken);

    public ValueTask ReplyAsync(JsonElement parameters, bool continues = false, CancellationToken cancellationToken = default) =>
        SendReplyAsync(VarlinkMessageWriter.FromElement(parameters), continues, cancellationToken);

    /// <summary>Replies with a value serialized by source-generated metadata; it must serialize to a JSON object.</summary>
    public ValueTask ReplyAsync<T>(T parameters, JsonTypeInfo<T> typeInfo, bool continues = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return SendReplyAsync(writer => JsonSerializer.Serialize(writer, parameters, typeInfo), continues, cancellationToken);
    }

    /// <summary>Replies with parameters written by <paramref name="writeParameters"/>, which writes one JSON object value.</summary>
    public ValueTask ReplyAsync(Action<Utf8JsonWriter> writeParameters, bool continues = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writeParameters);
        return SendReplyAsync(writeParameters, continues, cancellationToken);
    }

    public ValueTask ErrorAsync(string error, JsonObject? parameters = null, CancellationToken cancellationToken = default) =>
        SendErrorAsync(error, VarlinkMessageWriter.FromObject(parameters), cancellationToken);

    public ValueTask ErrorAsync(string error, JsonElement parameters, CancellationToken cancellationToken = default) =>
        SendErrorAsync(error, VarlinkMessageWriter.FromElement(parameters), cancellationToken);

    /// <summary>
    /// For methods that only stream: if the caller did not set <c>more</c>, sends
    /// <c>org.varlink.service.ExpectedMore</c> and returns <see langword="false"/>.
    /// </summary>
    public async ValueTask<bool> RequireMoreAsync(CancellationToken cancellationToken = default)
    {
        if (More)
        {
            return true;
        }

        await ErrorAsync(VarlinkErrors.ExpectedMore, (JsonObject?)null, cancellationToken).ConfigureAwait(false);
        return false;
    }

    private ValueTask SendReplyAsync(Action<Utf8JsonWriter>? writeParameters, bool continues, CancellationToken cancellationToken)
    {
        if (continues && !More)
        {
            throw new InvalidOperationException($"{Method}: a reply with 'continues' needs a call with 'more'");
        }

        if (IsCompleted)
        {
            throw new InvalidOperationException($"{Method}: the final reply was already sent");
        }

        if (!continues)
        {
            MarkCompleted();
        }

        return Oneway ? ValueTask.CompletedTask : _connection.SendAsync(VarlinkMessageWriter.Reply(writeParameters, continues), cancellationToken);
    }

    private ValueTask SendErrorAsync(string error, Action<Utf8JsonWriter>? writeParameters, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        MarkCompleted();
        return Oneway ? ValueTask.CompletedTask : _connection.SendAsync(VarlinkMessageWriter.Error(error, writeParameters), cancellationToken);
    }

    private void MarkCompleted()
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            throw new InvalidOperationException($"{Method}: the final reply was already sent");
        }
    }
}
