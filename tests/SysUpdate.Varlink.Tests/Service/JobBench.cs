using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using SysUpdate.Varlink.Client;

namespace SysUpdate.Varlink.Tests.Service;

/// <summary>
/// A root whose host target installs <c>app_@v.img</c> from a throttled HTTP server on 127.0.0.1
/// (version 1 installed, version 2 published and sent slowly), served by the real
/// <c>sysupdate varlink --listen</c>; the helpers every job test needs.
/// </summary>
internal sealed class JobBench : IAsyncDisposable
{
    public const string Interface = "io.systemd.SysUpdate.";
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private JobBench(ThrottledHttpServer http, SysUpdateServer server, byte[] published)
    {
        Http = http;
        Server = server;
        Published = published;
    }

    public ThrottledHttpServer Http { get; }

    public SysUpdateServer Server { get; }

    /// <summary>Version 2's bytes.</summary>
    public byte[] Published { get; }

    public string Installed(string version) => Path.Combine(Server.Destination, $"app_{version}.img");

    public static async Task<JobBench> StartAsync(long bytesPerSecond, int size)
    {
        var http = ThrottledHttpServer.Start(bytesPerSecond);
        byte[] published = RandomNumberGenerator.GetBytes(size);
        http.Serve("app_2.img", published);
        http.Serve("SHA256SUMS", System.Text.Encoding.ASCII.GetBytes($"{Convert.ToHexStringLower(SHA256.HashData(published))} *app_2.img\n"));
        var server = await SysUpdateServer.StartAsync(root =>
        {
            SysUpdateServer.Write(root, "etc/sysupdate.d/50-app.transfer",
                $"[Transfer]\nVerify=no\n\n[Source]\nType=url-file\nPath={http.BaseUrl}/\nMatchPattern=app_@v.img\n\n[Target]\nType=regular-file\nPath=/dst\nMatchPattern=app_@v.img\n");
            SysUpdateServer.WriteBytes(root, "dst/app_1.img", 4096, 1);
        });
        return new JobBench(http, server, published);
    }

    public static JsonObject Host(params (string Key, JsonNode? Value)[] extra)
    {
        var parameters = new JsonObject { ["target"] = new JsonObject { ["class"] = "host", ["name"] = null } };
        foreach (var (key, value) in extra)
            parameters[key] = value;
        return parameters;
    }

    public static JsonObject Id(long id) => new() { ["id"] = id };

    /// <summary>Starts a detached update without 'more' and returns its job id.</summary>
    public async Task<long> StartDetachedUpdateAsync()
    {
        await using var client = await Server.ConnectAsync();
        var reply = await client.CallAsync(Interface + "Update", Host(("detached", true)));
        return reply.GetProperty("jobId").GetInt64();
    }

    public async Task<JsonElement> JobAsync(long id)
    {
        await using var client = await Server.ConnectAsync();
        return (await client.CallAsync(Interface + "WatchJob", Id(id))).GetProperty("job").Clone();
    }

    public async Task<List<JsonElement>> ListJobsAsync()
    {
        await using var client = await Server.ConnectAsync();
        var reply = await client.CallAsync(Interface + "ListJobs");
        return reply.GetProperty("jobs").EnumerateArray().Select(j => j.Clone()).ToList();
    }

    /// <summary>Waits until the job has read some of the payload (its record shows acquiring with bytes done).</summary>
    public Task WaitUntilDownloadingAsync(long id) =>
        WaitForAsync(async () => await JobAsync(id) is var job && IsDownloading(job), $"job {id} downloading");

    public static bool IsDownloading(JsonElement job) =>
        !job.TryGetProperty("result", out _)
        && job.TryGetProperty("progress", out var p) && p.ValueKind == JsonValueKind.Object
        && p.GetProperty("phase").GetString() == "acquiring" && p.GetProperty("bytesDone").GetInt64() > 0;

    /// <summary>Polls <paramref name="condition"/> until it holds; the timeout only fails a hung test.</summary>
    public static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > Patience)
                throw new TimeoutException("gave up waiting for " + what);
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Http.DisposeAsync();
    }
}
