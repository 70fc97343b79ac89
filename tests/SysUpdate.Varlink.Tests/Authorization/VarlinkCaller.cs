using System.Text.Json;
using System.Text.Json.Nodes;
using SysUpdate.Varlink.Tests.Service;

namespace SysUpdate.Varlink.Tests.Authorization;

/// <summary>
/// One Varlink call made by a separate python process (stdlib sockets only) running as a given user
/// through setpriv, so the server sees that user's process in SO_PEERCRED. Returns the final reply:
/// either <c>{"parameters": …}</c> or <c>{"error": …}</c>.
/// </summary>
internal static class VarlinkCaller
{
    private const string Script = """
        import json, socket, sys
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(sys.argv[1])
        sock.sendall(sys.argv[2].encode() + b"\0")
        buffer = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                sys.exit("connection closed before the final reply")
            buffer += chunk
            while b"\0" in buffer:
                message, buffer = buffer.split(b"\0", 1)
                reply = json.loads(message)
                if not reply.get("continues"):
                    print(json.dumps(reply))
                    sys.exit(0)
        """;

    /// <summary>Calls <paramref name="method"/> as <paramref name="user"/> (null: as root, no setpriv).</summary>
    public static async Task<JsonElement> CallAsync(string socketPath, string? user, string method, JsonObject parameters)
    {
        string call = new JsonObject { ["method"] = method, ["parameters"] = parameters }.ToJsonString();

        string[] python = [Prerequisites.Python, "-c", Script, socketPath, call];
        var result = user is null
            ? await ProcessRunner.RunAsync(python[0], python[1..])
            : await ProcessRunner.RunAsync(Prerequisites.SetPriv, [$"--reuid={user}", $"--regid={user}", "--clear-groups", .. python]);
        Assert.True(result.ExitCode == 0, $"client exited {result.ExitCode}: {result.Stderr}");
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }

    public static string? ErrorOf(JsonElement reply) =>
        reply.TryGetProperty("error", out var error) ? error.GetString() : null;
}
