using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using SysUpdate.Varlink.Client;

namespace SysUpdate.Varlink.Tests.Service;

/// <summary>The real <c>sysupdate varlink</c> process keeps its memory and descriptors bounded under abuse and load.</summary>
[Trait("Category", "Slow")]
public sealed class SysUpdateServiceResourceTests
{
    private const string Interface = "io.systemd.SysUpdate.";
    private const int FloodConnections = 128;
    private const int FloodMessageBytes = 16 << 20;

    /// <summary>Descriptors a flood of calls may leave open for good (runtime state created late); a leak is 60 per 1000 calls.</summary>
    private const int AllowedGrowth = 4;

    /// <summary>How long the last calls' connections get to close before the count is judged.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The stated bound: the idle server (~60–90 MiB on .NET) plus the 64 MiB buffer budget, with room for the
    /// runtime's own growth. Before the budget, this flood took the server to 2.2 GB.
    /// </summary>
    private const long RssBoundBytes = 200L << 20;

    // Opens COUNT connections, sends SIZE bytes of an unterminated message on each, prints how many the
    // server closed and how many took all bytes, then holds them open until stdin closes.
    private const string FloodScript = """
        import json, selectors, socket, sys
        path, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        head = b'{"method":"io.systemd.SysUpdate.ListTargets","parameters":{"x":"'
        payload = memoryview(head + b"a" * (size - len(head)))
        sel = selectors.DefaultSelector()
        socks, sent, closed, done = [], {}, 0, 0
        for _ in range(count):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            s.setblocking(False)
            socks.append(s)
            sent[s] = 0
            sel.register(s, selectors.EVENT_WRITE)
        while sent:
            for key, _ in sel.select():
                s = key.fileobj
                try:
                    sent[s] += s.send(payload[sent[s]:sent[s] + 65536])
                    if sent[s] < size:
                        continue
                    done += 1
                except (BrokenPipeError, ConnectionResetError):
                    closed += 1
                except BlockingIOError:
                    continue
                sel.unregister(s)
                del sent[s]
        print(json.dumps({"closed": closed, "complete": done}), flush=True)
        sys.stdin.readline()
        for s in socks:
            s.close()
        """;

    [UnprivilegedPeerFact]
    public async Task PartialMessages_128x16MiBFromNobody_ServerRssStaysUnderBoundDuringAndAfter()
    {
        await using var server = await SysUpdateServer.StartAsync();
        int pid = server.ProcessId;
        await WarmUpAsync(server);
        int fdsBefore = ProcessStatus.OpenDescriptors(pid);
        long rssBefore = ProcessStatus.ResidentBytes(pid);

        using var sampling = new CancellationTokenSource();
        Task<long> peakDuring = SamplePeakRssAsync(pid, sampling.Token);
        var flood = new ProcessStartInfo(UnprivilegedPeerFactAttribute.SetPriv)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", UnprivilegedPeerFactAttribute.Python, "-c", FloodScript,
                     server.SocketPath, FloodConnections.ToString(), FloodMessageBytes.ToString()])
            flood.ArgumentList.Add(argument);
        using var child = Process.Start(flood)!;
        Task<string> errors = child.StandardError.ReadToEndAsync();
        string? summary = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(3));
        if (summary is null)
            Assert.Fail("flood client failed: " + await errors);
        using (JsonDocument result = JsonDocument.Parse(summary))
        {
            // 16 MiB is far over what an unprivileged peer may send in one message: the server drops every one.
            Assert.Equal(FloodConnections, result.RootElement.GetProperty("closed").GetInt32());
            Assert.Equal(0, result.RootElement.GetProperty("complete").GetInt32());
        }

        child.StandardInput.Close();
        await child.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await WaitForAsync(() => ProcessStatus.OpenDescriptors(pid) <= fdsBefore, "the server to close the flood's connections");
        await sampling.CancelAsync();
        long peak = await peakDuring;
        long after = ProcessStatus.ResidentBytes(pid);
        Console.WriteLine($"server VmRSS: before {rssBefore >> 20} MiB, peak during flood {peak >> 20} MiB, after {after >> 20} MiB (bound {RssBoundBytes >> 20} MiB)");

        Assert.True(peak < RssBoundBytes, $"peak VmRSS {peak >> 20} MiB during the flood exceeds {RssBoundBytes >> 20} MiB");
        Assert.True(after < RssBoundBytes, $"VmRSS {after >> 20} MiB after the flood exceeds {RssBoundBytes >> 20} MiB");
        Assert.Contains("262144", server.Log, StringComparison.Ordinal); // each drop is logged with the limit
        await using VarlinkClient client = await server.ConnectAsync();
        Assert.Equal(2, (await client.CallAsync(Interface + "ListTargets")).GetProperty("targets").GetArrayLength());
    }

    [SysUpdateBinaryFact]
    public async Task TenThousandCalls_OverFourConnections_ServerDescriptorCountStaysFlat()
    {
        const int Connections = 4;
        const int CallsPerConnection = 2500;
        await using var server = await SysUpdateServer.StartAsync();
        int pid = server.ProcessId;
        var clients = new List<VarlinkClient>();
        try
        {
            for (int i = 0; i < Connections; i++)
                clients.Add(await server.ConnectAsync());
            // Warm up: lazily created runtime state (thread pool, epoll, loaded assemblies) is not a leak.
            await Task.WhenAll(clients.Select(c => CallManyAsync(c, 25)));
            int before = ProcessStatus.OpenResourceDescriptors(pid);

            await Task.WhenAll(clients.Select(c => CallManyAsync(c, CallsPerConnection)));

            var after = await ProcessStatus.SettledResourceDescriptorsAsync(pid, before, AllowedGrowth, SettleTime);
            Console.WriteLine($"server descriptors: {before} before, {after.Count} after {Connections * CallsPerConnection} calls");
            Assert.True(after.Count - before <= AllowedGrowth,
                $"open descriptors grew from {before} to {after.Count} over {Connections * CallsPerConnection} calls ({ProcessStatus.Summarize(after)})");
        }
        finally
        {
            foreach (VarlinkClient client in clients)
                await client.DisposeAsync();
        }
    }

    /// <summary>Each CheckNew loads a context with an HTTP stack and fetches SHA256SUMS: the stack must be
    /// disposed with the context (it used to leak about 60 descriptors per 1000 calls).</summary>
    [SysUpdateBinaryFact]
    public async Task TwoThousandCalls_WithUrlSource_ServerDescriptorCountStaysFlat()
    {
        string www = Directory.CreateTempSubdirectory("sysupdate-www-").FullName;
        string cache = Directory.CreateTempSubdirectory("sysupdate-cache-").FullName;
        try
        {
            var manifest = new System.Text.StringBuilder();
            for (int v = 1; v <= 3; v++)
            {
                byte[] image = new byte[512];
                image.AsSpan().Fill((byte)v);
                File.WriteAllBytes(Path.Combine(www, $"web_{v}.img"), image);
                manifest.Append(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(image))).Append($" *web_{v}.img\n");
            }
            File.WriteAllText(Path.Combine(www, "SHA256SUMS"), manifest.ToString());
            await using var http = await PythonHttpServer.StartAsync(www);
            await using var server = await SysUpdateServer.StartAsync(
                root => SysUpdateServer.Write(root, "etc/sysupdate.d/80-web.transfer",
                    $"[Transfer]\nVerify=no\n\n[Source]\nType=url-file\nPath={http.BaseUrl}\nMatchPattern=web_@v.img\n\n" +
                    "[Target]\nType=regular-file\nPath=/dst\nMatchPattern=web_@v.img\n"),
                new Dictionary<string, string> { ["SYSUPDATE_CACHE_DIRECTORY"] = cache });
            int pid = server.ProcessId;
            await using VarlinkClient client = await server.ConnectAsync();
            await CallManyAsync(client, 50);
            int before = ProcessStatus.OpenResourceDescriptors(pid);

            await CallManyAsync(client, 2000);

            var after = await ProcessStatus.SettledResourceDescriptorsAsync(pid, before, AllowedGrowth, SettleTime);
            Console.WriteLine($"server descriptors with a URL source: {before} before, {after.Count} after 2000 calls");
            Assert.True(after.Count - before <= AllowedGrowth,
                $"open descriptors grew from {before} to {after.Count} over 2000 calls with a URL source ({ProcessStatus.Summarize(after)})");
        }
        finally
        {
            Directory.Delete(www, recursive: true);
            Directory.Delete(cache, recursive: true);
        }
    }

    private static async Task CallManyAsync(VarlinkClient client, int count)
    {
        var host = new JsonObject { ["target"] = new JsonObject { ["class"] = "host" } };
        for (int i = 0; i < count; i++)
        {
            if (i % 2 == 0)
                Assert.Equal(2, (await client.CallAsync(Interface + "ListTargets")).GetProperty("targets").GetArrayLength());
            else
                Assert.Equal("3", (await client.CallAsync(Interface + "CheckNew", host)).GetProperty("available").GetString());
        }
    }

    private static async Task WarmUpAsync(SysUpdateServer server)
    {
        await using VarlinkClient client = await server.ConnectAsync();
        await CallManyAsync(client, 10);
    }

    private static async Task<long> SamplePeakRssAsync(int pid, CancellationToken stop)
    {
        long peak = 0;
        while (!stop.IsCancellationRequested)
        {
            peak = Math.Max(peak, ProcessStatus.ResidentBytes(pid));
            try
            {
                await Task.Delay(20, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
        return Math.Max(peak, ProcessStatus.ResidentBytes(pid));
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(2))
                throw new TimeoutException("timed out waiting for " + what);
            await Task.Delay(50);
        }
    }
}
