using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Faults.Support;

/// <summary>
/// One fault test's world: a <see cref="ThrottledImageServer"/> publishing versions with an unsigned
/// SHA256SUMS, a <c>--root</c> directory with the definitions in its <c>/etc/sysupdate.d</c> (so the
/// install database lands below the root too), and the published CLI with a private HTTP cache.
/// </summary>
internal sealed class FaultBench : IAsyncDisposable
{
    private readonly TempDirectory _tmp;
    private readonly SortedDictionary<string, string> _manifest = new(StringComparer.Ordinal);

    private FaultBench(ThrottledImageServer server, TempDirectory tmp, string logLevel)
    {
        Server = server;
        _tmp = tmp;
        Root = tmp.Dir("root");
        Definitions = tmp.Dir("root", "etc", "sysupdate.d");
        SysUpdate = new SysUpdateProcess { Timeout = WatchedRun.HangTimeout }
            .WithEnvironment("SYSTEMD_LOG_LEVEL", logLevel)
            .WithEnvironment("SYSUPDATE_CACHE_DIRECTORY", tmp.Dir("cache"))
            .WithEnvironment("SYSTEMD_SYSUPDATE_NO_VERIFY", null)
            .WithEnvironment("SYSUPDATE_HTTP_READ_TIMEOUT_SEC", "30")
            .WithEnvironment("http_proxy", null)
            .WithEnvironment("HTTP_PROXY", null)
            .WithEnvironment("all_proxy", null)
            .WithEnvironment("ALL_PROXY", null);
    }

    public ThrottledImageServer Server { get; }

    public SysUpdateProcess SysUpdate { get; }

    /// <summary>The <c>--root</c> directory.</summary>
    public string Root { get; }

    public string Definitions { get; }

    /// <param name="bytesPerSecond">The server's pace.</param>
    /// <param name="logLevel"><c>info</c> shows the plain progress lines on stderr; <c>warning</c> leaves a failed run's one-line error alone.</param>
    public static async Task<FaultBench> StartAsync(long bytesPerSecond, string logLevel = "info")
    {
        var tmp = new TempDirectory("sysupdate-fault-");
        try
        {
            return new FaultBench(await ThrottledImageServer.StartAsync(bytesPerSecond), tmp, logLevel);
        }
        catch
        {
            tmp.Dispose();
            throw;
        }
    }

    /// <summary>A path below the root (<paramref name="absolute"/> as written in a definition).</summary>
    public string InRoot(string absolute) => Path.Combine(Root, absolute.TrimStart('/'));

    public string Combine(params string[] parts) => _tmp.Combine(parts);

    public string Dir(params string[] parts) => _tmp.Dir(parts);

    public void WriteTransfer(string fileName, string text) => File.WriteAllText(Path.Combine(Definitions, fileName), text);

    /// <summary>Serves <paramref name="content"/> as NAME and lists it in the served SHA256SUMS.</summary>
    public void Publish(string name, byte[] content)
    {
        Server.Serve(name, content);
        _manifest[name] = Convert.ToHexStringLower(SHA256.HashData(content));
        var text = new StringBuilder();
        foreach (var (file, sha) in _manifest)
            text.Append(sha).Append(" *").Append(file).Append('\n');
        Server.Serve("SHA256SUMS", Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>The command line for a run: <c>--root</c> first.</summary>
    public string[] Arguments(params string[] args) => ["--root=" + Root, .. args];

    public Task<ProcessResult> RunAsync(params string[] args) => SysUpdate.RunAsync(Arguments(args));

    public WatchedRun Start(params string[] args) => WatchedRun.Start(SysUpdate, Arguments(args));

    /// <summary><c>list --offline --json=short</c>: the newest installed version and every version the targets hold.</summary>
    public async Task<(string? Current, IReadOnlyList<string> All)> ListInstalledAsync()
    {
        var result = (await RunAsync("--offline", "--json=short", "list")).ShouldExit(0);
        using var json = JsonDocument.Parse(result.StandardOutput);
        string? current = json.RootElement.TryGetProperty("current", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        var all = json.RootElement.GetProperty("all").EnumerateArray().Select(v => v.GetString()!).ToList();
        return (current, all);
    }

    /// <summary>Asserts <c>check-new</c> finds nothing newer than what is installed (exit 1, nothing printed).</summary>
    public async Task AssertNothingNewAsync(string because)
    {
        var result = await RunAsync("check-new");
        RunAssert.NoStackTrace(result, because);
        Assert.True(result.ExitCode == 1 && result.StandardOutput.Trim().Length == 0,
            $"{because}: check-new should find nothing new after the published version was installed\n{result}");
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _tmp.Dispose();
    }
}
