using System.Text.Json;
using System.Text.Json.Nodes;
using SysUpdate.Varlink.Client;

namespace UpdateCtl;

/// <summary>One updatectl run: where the service is and the global options; opens connections to it.</summary>
internal sealed class Session(UpdateCtlApp app, string socketPath, bool offline, bool legend, ReplyTimeouts timeouts)
{
    public TextWriter Output => app.Output;

    public TextWriter Error => app.Error;

    public string SocketPath => socketPath;

    public bool Offline => offline;

    public bool Legend => legend;

    public ReplyTimeouts Timeouts => timeouts;

    /// <summary>A connection whose replies must come within <paramref name="replyTimeout"/>.</summary>
    public async Task<VarlinkClient> ConnectAsync(TimeSpan replyTimeout, CancellationToken cancellationToken)
    {
        var client = await VarlinkClient.ConnectAsync(socketPath, cancellationToken).ConfigureAwait(false);
        client.ReplyTimeout = replyTimeout;
        return client;
    }

    /// <summary>Calls <c>io.systemd.SysUpdate.METHOD</c> on a fresh connection.</summary>
    public async Task<JsonElement> CallAsync(string method, JsonObject? parameters, CancellationToken cancellationToken)
    {
        await using var client = await ConnectAsync(timeouts.Call, cancellationToken).ConfigureAwait(false);
        return ReplyContract.Check(method, await client.CallAsync(UpdateCtlApp.Interface + "." + method, parameters, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Every target the service offers, in its order.</summary>
    public async Task<IReadOnlyList<TargetSpec>> ListTargetsAsync(CancellationToken cancellationToken)
    {
        var reply = await CallAsync("ListTargets", null, cancellationToken).ConfigureAwait(false);
        return reply.GetProperty("targets").EnumerateArray().Select(t => TargetSpec.FromJson(t.GetProperty("id"))).ToList();
    }
}
