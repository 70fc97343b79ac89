using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Faults.Support;

/// <summary>
/// <c>systemd-socket-activate --accept -l SOCKET sysupdate --root=… varlink</c>: every connection is
/// its own <c>sysupdate</c> process, as with the shipped <c>Accept=yes</c> socket unit. Calls are made
/// with a raw client (JSON + NUL on a Unix socket), independent of the product's Varlink code.
/// </summary>
internal sealed class SocketActivatedVarlink : IDisposable
{
    private readonly Process _activator;
    private readonly StringBuilder _stderr = new();

    private SocketActivatedVarlink(Process activator, string socket)
    {
        _activator = activator;
        Socket = socket;
    }

    public string Socket { get; }

    /// <summary>What the activator and the per-connection servers wrote to stderr so far.</summary>
    public string StandardError
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    public static async Task<SocketActivatedVarlink> StartAsync(SysUpdateProcess sysupdate, string socket, params string[] serverArgs)
    {
        var start = new ProcessStartInfo(FaultPrerequisites.SocketActivate)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--accept");
        start.ArgumentList.Add("-l");
        start.ArgumentList.Add(socket);
        // The activator hands the child only LISTEN_* and what -E names, not its own environment.
        foreach (var (name, value) in sysupdate.EnvironmentOverrides)
        {
            if (value is not null)
                start.ArgumentList.Add($"--setenv={name}={value}");
        }
        start.ArgumentList.Add("--");
        start.ArgumentList.Add(sysupdate.Binary);
        foreach (var arg in serverArgs)
            start.ArgumentList.Add(arg);

        var activator = Process.Start(start) ?? throw new InvalidOperationException("could not start systemd-socket-activate");
        var server = new SocketActivatedVarlink(activator, socket);
        activator.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (server._stderr)
                    server._stderr.Append(e.Data).Append('\n');
            }
        };
        activator.OutputDataReceived += (_, _) => { };
        activator.StandardInput.Close();
        activator.BeginErrorReadLine();
        activator.BeginOutputReadLine();

        var hang = Stopwatch.StartNew();
        while (!File.Exists(socket))
        {
            if (activator.HasExited || hang.Elapsed > WatchedRun.HangTimeout)
            {
                server.Dispose();
                throw new InvalidOperationException($"systemd-socket-activate did not create {socket}:\n{server.StandardError}");
            }
            await Task.Delay(10);
        }
        return server;
    }

    /// <summary>Calls <paramref name="method"/> once (no <c>more</c>) and returns the reply: (error name or null, parameters).</summary>
    public async Task<VarlinkReply> CallAsync(string method, JsonObject parameters)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var cts = new CancellationTokenSource(WatchedRun.HangTimeout);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Socket), cts.Token);
        var request = new JsonObject { ["method"] = method, ["parameters"] = parameters };
        byte[] bytes = [.. Encoding.UTF8.GetBytes(request.ToJsonString()), 0];
        await socket.SendAsync(bytes, SocketFlags.None, cts.Token);

        var received = new ArrayBufferWriter<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            int count;
            try
            {
                count = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no reply to {method} within {WatchedRun.HangTimeout.TotalSeconds}s\n{StandardError}");
            }
            if (count == 0)
                throw new InvalidOperationException($"the server closed the connection without replying to {method}\n{StandardError}");
            int nul = Array.IndexOf(buffer, (byte)0, 0, count);
            received.Write(buffer.AsSpan(0, nul < 0 ? count : nul));
            if (nul >= 0)
                break;
        }
        var reply = JsonNode.Parse(received.WrittenSpan)!.AsObject();
        return new VarlinkReply(reply["error"]?.GetValue<string>(), reply["parameters"]?.AsObject() ?? [], reply.ToJsonString());
    }

    public void Dispose()
    {
        try
        {
            if (!_activator.HasExited)
            {
                _activator.Kill(entireProcessTree: true);
                _activator.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
        }
        _activator.Dispose();
    }
}

/// <summary>One Varlink reply: the error name (null on success), its parameters, and the raw JSON for messages.</summary>
internal sealed record VarlinkReply(string? Error, JsonObject Parameters, string Json)
{
    public override string ToString() => Json;
}
