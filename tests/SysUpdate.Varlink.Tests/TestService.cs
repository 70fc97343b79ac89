using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using SysUpdate.Varlink.Server;

namespace SysUpdate.Varlink.Tests;

/// <summary>The sample service the tests talk to: <c>org.example.Test</c>.</summary>
internal sealed class TestService
{
    public const string Idl = """
        # A sample interface for tests.
        interface org.example.Test

        type Color (red, green, blue)

        type Point (
            x: int,
            y: int,
            # optional label
            label: ?string
        )

        # Returns its argument.
        method Ping(text: string) -> (text: string)

        # Streams i = 1..n, the last reply final.
        method Count(n: int) -> (i: int)

        method Fail(reason: string) -> ()

        method Slow(seconds: float) -> ()

        method Echo(point: Point, color: ?Color, tags: ?[]string, attrs: ?[string]int, flag: ?bool, ratio: ?float, extra: ?object, nested: ?(a: int, b: ?(on, off))) -> (point: Point)

        method WhoAmI() -> (uid: int, gid: int, pid: int)

        method Record(value: string) -> ()

        method GetRecorded() -> (values: []string)

        method Crash() -> ()

        method Unimplemented() -> ()

        error Failed(reason: string)

        """;

    public ConcurrentQueue<string> Recorded { get; } = new();

    public TaskCompletionSource SlowStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource SlowCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public VarlinkInterfaceRegistration CreateRegistration() =>
        new VarlinkInterfaceRegistration(Idl)
            .Map("Ping", (call, ct) => call.ReplyAsync(new JsonObject { ["text"] = call.Parameters.GetProperty("text").GetString() }, cancellationToken: ct).AsTask())
            .Map("Count", async (call, ct) =>
            {
                if (!await call.RequireMoreAsync(ct))
                {
                    return;
                }

                long n = call.Parameters.GetProperty("n").GetInt64();
                for (long i = 1; i <= n; i++)
                {
                    await call.ReplyAsync(new JsonObject { ["i"] = i }, continues: i < n, ct);
                }
            })
            .Map("Fail", (call, _) => throw new VarlinkErrorException("org.example.Test.Failed", new JsonObject { ["reason"] = call.Parameters.GetProperty("reason").GetString() }))
            .Map("Slow", async (call, ct) =>
            {
                SlowStarted.TrySetResult();
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(call.Parameters.GetProperty("seconds").GetDouble()), ct);
                }
                catch (OperationCanceledException)
                {
                    SlowCancelled.TrySetResult();
                    throw;
                }
            })
            .Map("Echo", (call, ct) => call.ReplyAsync(new JsonObject { ["point"] = JsonNode.Parse(call.Parameters.GetProperty("point").GetRawText()) }, cancellationToken: ct).AsTask())
            .Map("WhoAmI", (call, ct) => call.ReplyAsync(
                new JsonObject { ["uid"] = call.Peer!.Value.UserId, ["gid"] = call.Peer.Value.GroupId, ["pid"] = call.Peer.Value.ProcessId },
                cancellationToken: ct).AsTask())
            .Map("Record", (call, _) =>
            {
                Recorded.Enqueue(call.Parameters.GetProperty("value").GetString()!);
                return Task.CompletedTask;
            })
            .Map("GetRecorded", (call, ct) =>
            {
                var values = new JsonArray();
                foreach (string value in Recorded)
                {
                    values.Add((JsonNode?)JsonValue.Create(value));
                }

                return call.ReplyAsync(new JsonObject { ["values"] = values }, cancellationToken: ct).AsTask();
            })
            .Map("Crash", (_, _) => throw new InvalidOperationException("handler bug"));
}
