using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using SysUpdate.Varlink.Client;

namespace SysUpdate.Varlink.Tests.Service;

/// <summary>
/// A root directory with definitions, versions and targets in a world-readable temp dir, and the real
/// <c>sysupdate varlink --listen SOCKET</c> process serving it.
/// Host: <c>50-app</c> (app_1..3.img, 64 KiB each) and <c>70-opt</c> (feature <c>optional</c>, off);
/// component <c>extra</c>: <c>60-extra</c> (extra_5.raw).
/// </summary>
internal sealed class SysUpdateServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private SysUpdateServer(string directory, Process process)
    {
        TempDirectory = directory;
        _process = process;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _log.Enqueue(e.Data); };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _log.Enqueue(e.Data); };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public string TempDirectory { get; }

    public string Root => Path.Combine(TempDirectory, "root");

    public string SocketPath => Path.Combine(TempDirectory, "sysupdate.sock");

    public string Log => string.Join('\n', _log);

    public string Destination => Path.Combine(Root, "dst");

    /// <summary>Starts the server. Tests that call this carry an attribute that skips them when sysupdate is not built.</summary>
    public static async Task<SysUpdateServer> StartAsync(Action<string>? prepare = null, IReadOnlyDictionary<string, string>? environment = null, string? definitions = null)
    {
        string binary = ServiceBinaries.SysUpdate
            ?? throw new InvalidOperationException("the test lacks a skip attribute checking Prerequisites.SysUpdateMissing: " + ServiceBinaries.SkipReason("sysupdate"));

        string directory = Directory.CreateTempSubdirectory("sysupdate-varlink-").FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)0x1ED); // 0755: callers running as nobody reach the socket
        string root = Path.Combine(directory, "root");
        Write(root, "etc/sysupdate.d/50-app.transfer", Transfer("/src", "app_@v.img"));
        Write(root, "etc/sysupdate.d/70-opt.transfer", Transfer("/src", "opt_@v.img", "Features=optional\n"));
        Write(root, "etc/sysupdate.d/optional.feature", "[Feature]\nDescription=Optional bits\nDocumentation=https://example.org/doc\n");
        Write(root, "etc/sysupdate.extra.d/60-extra.transfer", Transfer("/extra-src", "extra_@v.raw", "", "/extra-dst"));
        for (int v = 1; v <= 3; v++)
        {
            WriteBytes(root, $"src/app_{v}.img", 65536, v);
            WriteBytes(root, $"src/opt_{v}.img", 1000, v);
        }
        WriteBytes(root, "extra-src/extra_5.raw", 100, 5);
        Directory.CreateDirectory(Path.Combine(root, "dst"));
        Directory.CreateDirectory(Path.Combine(root, "extra-dst"));
        prepare?.Invoke(root);

        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.ArgumentList.Add(definitions is null ? "--root=" + root : "--definitions=" + definitions);
        start.ArgumentList.Add("varlink");
        start.ArgumentList.Add("--listen");
        start.ArgumentList.Add(Path.Combine(directory, "sysupdate.sock"));
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
                start.Environment[key] = value;
        }

        var server = new SysUpdateServer(directory, Process.Start(start)!);
        await server.WaitUntilServingAsync();
        return server;
    }

    public Task<VarlinkClient> ConnectAsync() => VarlinkClient.ConnectAsync(SocketPath);

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.Id;

    public static string Transfer(string source, string pattern, string extra = "", string target = "/dst") =>
        $"[Transfer]\nVerify=no\n{extra}\n[Source]\nType=regular-file\nPath={source}\nMatchPattern={pattern}\n\n[Target]\nType=regular-file\nPath={target}\nMatchPattern={pattern}\n";

    public static void Write(string root, string relative, string text)
    {
        string path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public static void WriteBytes(string root, string relative, int size, int seed)
    {
        string path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
    }

    private async Task WaitUntilServingAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"sysupdate varlink exited with {_process.ExitCode}: {Log}");
            if (File.Exists(SocketPath))
            {
                try
                {
                    using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
                    return;
                }
                catch (SocketException)
                {
                }
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("sysupdate varlink did not start serving: " + Log);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
        Directory.Delete(TempDirectory, recursive: true);
    }
}
