using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// A third-party static file server on 127.0.0.1 serving one directory as a vendor would: Python's
/// <c>http.server</c> (Last-Modified with one-second resolution, no ETag) or nginx (ETag from
/// mtime and size, Last-Modified, exact If-Modified-Since). Stopped and its files removed on dispose.
/// </summary>
internal sealed partial class StaticFileServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string? _stateDirectory;

    private StaticFileServer(Process process, int port, string? stateDirectory)
    {
        _process = process;
        _stateDirectory = stateDirectory;
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    /// <summary>The served directory's URL, without a trailing slash.</summary>
    public string BaseUrl { get; }

    public const string Nginx = "/usr/sbin/nginx";

    public const string Python = "/usr/bin/python3";

    public static async Task<StaticFileServer> StartPythonAsync(string directory)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", directory })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (PythonPort().Match(line) is { Success: true } match)
            {
                _ = process.StandardOutput.ReadToEndAsync();
                return new StaticFileServer(process, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), null);
            }
        }
        process.Kill();
        throw new InvalidOperationException("python3 -m http.server exited without announcing its port");
    }

    public static async Task<StaticFileServer> StartNginxAsync(string directory, string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        int port = FreePort();
        string conf = Path.Combine(stateDirectory, "nginx.conf");
        string temp = Directory.CreateDirectory(Path.Combine(stateDirectory, "temp")).FullName;
        File.WriteAllText(conf, $$"""
            worker_processes 1;
            user root;
            pid {{stateDirectory}}/nginx.pid;
            error_log {{stateDirectory}}/error.log;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path {{temp}};
                proxy_temp_path {{temp}};
                fastcgi_temp_path {{temp}};
                uwsgi_temp_path {{temp}};
                scgi_temp_path {{temp}};
                server {
                    listen 127.0.0.1:{{port}};
                    root {{directory}};
                }
            }
            """);
        var start = new ProcessStartInfo(Nginx) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-p", stateDirectory, "-c", conf, "-g", "daemon off;" })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start");
        _ = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var server = new StaticFileServer(process, port, stateDirectory);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"nginx exited {process.ExitCode}: {await stderr}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(50, timeout.Token);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (_stateDirectory is not null && Directory.Exists(_stateDirectory))
            Directory.Delete(_stateDirectory, recursive: true);
    }

    [GeneratedRegex(@"port (\d+)")]
    private static partial Regex PythonPort();
}
