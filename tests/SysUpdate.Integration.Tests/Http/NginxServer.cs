using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// nginx serving one directory on 127.0.0.1 as a vendor's static server would (sendfile, keep-alive,
/// Range, ETag and Last-Modified from the file), with an access log that records per request the
/// URI, status and bytes sent, so tests count on the server side what a client fetched. Its config,
/// pid file and logs live in a temp directory of its own, removed on dispose.
/// </summary>
internal sealed class NginxServer : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/nginx";

    /// <summary>A location answered with 204 and logged like any request: once its line is in the log,
    /// so is every earlier request's (one worker handles events in order, and it writes a request's line
    /// before it closes the connection).</summary>
    private const string FlushPrefix = "/.nginx-log-flush/";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _stateDirectory;
    private readonly string _config;

    private NginxServer(Process process, int port, string stateDirectory, string config)
    {
        _process = process;
        _stateDirectory = stateDirectory;
        _config = config;
        Port = port;
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    /// <summary>The served directory's URL, without a trailing slash.</summary>
    public string BaseUrl { get; }

    public int Port { get; }

    public string AccessLogPath => Path.Combine(_stateDirectory, "access.log");

    public string ErrorLogPath => Path.Combine(_stateDirectory, "error.log");

    /// <summary>Starts nginx serving <paramref name="root"/>; returns once it accepts connections.</summary>
    public static async Task<NginxServer> StartAsync(string root, NginxOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new NginxOptions();
        // The free port is found by binding port 0 and releasing it: another process may take it before
        // nginx binds it, and then nginx exits at once. A few tries with fresh ports make that harmless.
        string failures = string.Empty;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            string state = Directory.CreateTempSubdirectory("sysupdate-nginx-").FullName;
            int port = options.Port ?? FreePort();
            string config = WriteConfig(state, Path.GetFullPath(root), port, options);
            var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "-p", state, "-c", config, "-g", "daemon off;" })
                start.ArgumentList.Add(arg);
            var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start");
            _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            var server = new NginxServer(process, port, state, config);
            if (await server.WaitUntilAcceptingAsync(cancellationToken))
                return server;
            failures += $"nginx on port {port} exited {process.ExitCode}: {await stderr}\n";
            await server.DisposeAsync();
        }
        throw new InvalidOperationException($"nginx did not start in 5 attempts:\n{failures}");
    }

    private static string WriteConfig(string state, string root, int port, NginxOptions options)
    {
        string temp = Directory.CreateDirectory(Path.Combine(state, "temp")).FullName;
        var locations = new StringBuilder();
        foreach (string prefix in options.FailingPrefixes)
            locations.Append(CultureInfo.InvariantCulture, $"        location ^~ {prefix} {{ return {options.FailingStatus}; }}\n");
        string limit = options.LimitRatePerConnection is { } rate ? $"limit_rate {rate};" : string.Empty;
        string config = Path.Combine(state, "nginx.conf");
        File.WriteAllText(config, $$"""
            worker_processes 1;
            user root;
            pid {{state}}/nginx.pid;
            error_log {{state}}/error.log;
            events { worker_connections 512; }
            http {
                log_format counted {{NginxRequest.LogFormat}};
                access_log {{state}}/access.log counted;
                sendfile on;
                tcp_nopush on;
                keepalive_timeout 75s;
                keepalive_requests 100000;
                default_type application/octet-stream;
                client_body_temp_path {{temp}};
                proxy_temp_path {{temp}};
                fastcgi_temp_path {{temp}};
                uwsgi_temp_path {{temp}};
                scgi_temp_path {{temp}};
                server {
                    listen 127.0.0.1:{{port}};
                    root {{root}};
                    {{limit}}
                    location ^~ {{FlushPrefix}} { return 204; }
            {{locations}}    }
            }
            """);
        return config;
    }

    private async Task<bool> WaitUntilAcceptingAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience);
        while (!_process.HasExited)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(20, timeout.Token);
            }
        }
        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Every request logged so far, in the order nginx finished them (the log's own flush requests left
    /// out). While nginx runs, a flush request is made first, so every request a client has seen the end
    /// of is in the list; after <see cref="StopAsync"/>, all are.
    /// </summary>
    public async Task<IReadOnlyList<NginxRequest>> RequestsAsync(CancellationToken cancellationToken = default)
    {
        string? marker = _process.HasExited ? null : await FlushAsync(cancellationToken);
        var requests = new List<NginxRequest>();
        foreach (string line in await File.ReadAllLinesAsync(AccessLogPath, cancellationToken))
        {
            if (line.Length == 0)
                continue;
            var request = NginxRequest.Parse(line);
            if (request.Path == marker)
                return requests;
            if (!request.Path.StartsWith(FlushPrefix, StringComparison.Ordinal))
                requests.Add(request);
        }
        if (marker is not null)
            throw new InvalidOperationException($"{AccessLogPath}: the flush request {marker} was answered but not logged");
        return requests;
    }

    /// <summary>Response body bytes nginx sent for the requests that match (all if null): what a client downloaded.</summary>
    public async Task<long> BytesServedAsync(Func<NginxRequest, bool>? predicate = null, CancellationToken cancellationToken = default) =>
        (await RequestsAsync(cancellationToken)).Where(predicate ?? (_ => true)).Sum(r => r.BodyBytesSent);

    /// <summary>Asks for a fresh flush path over HTTP/1.0: nginx logs the request, then closes the
    /// connection, so once the response has been read to its end the line is in the log.</summary>
    private async Task<string> FlushAsync(CancellationToken cancellationToken)
    {
        string path = FlushPrefix + Guid.NewGuid().ToString("N");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"), timeout.Token);
        await stream.CopyToAsync(Stream.Null, timeout.Token);
        return path;
    }

    /// <summary>Stops nginx gracefully (requests in flight finish and are logged), killing it if it hangs.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
            return;
        var quit = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-p", _stateDirectory, "-c", _config, "-s", "quit" })
            quit.ArgumentList.Add(arg);
        using (var signal = Process.Start(quit) ?? throw new InvalidOperationException("nginx -s quit did not start"))
            await signal.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Kills nginx as a crash or a cut cable would end it: responses in flight stop where they are (and are not
    /// logged), new connections are refused; the log of the finished requests stays readable.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited)
            return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (Directory.Exists(_stateDirectory))
            Directory.Delete(_stateDirectory, recursive: true);
    }
}
