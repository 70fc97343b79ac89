using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SysUpdate.Varlink.Tests.Service;

/// <summary>Python's <c>http.server</c> on 127.0.0.1 (a port the kernel picks) serving one directory over
/// HTTP/1.1, so connections stay open between requests as with a real server.</summary>
internal sealed partial class PythonHttpServer : IAsyncDisposable
{
    private readonly Process _process;

    private PythonHttpServer(Process process, int port)
    {
        _process = process;
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    public string BaseUrl { get; }

    public static async Task<PythonHttpServer> StartAsync(string directory)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--protocol", "HTTP/1.1", "--directory", directory })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (Port().Match(line) is { Success: true } match)
            {
                _ = process.StandardOutput.ReadToEndAsync();
                return new PythonHttpServer(process, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        }
        process.Kill();
        throw new InvalidOperationException("python3 -m http.server exited without announcing its port");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"port (\d+)")]
    private static partial Regex Port();
}
