using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// Python's <c>http.server</c> on 127.0.0.1 serving one directory as a vendor might (Last-Modified with
/// one-second resolution, no ETag). Stopped on dispose. nginx is <see cref="NginxServer"/>.
/// </summary>
internal sealed partial class StaticFileServer : IAsyncDisposable
{
    private readonly Process _process;

    private StaticFileServer(Process process, int port)
    {
        _process = process;
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    /// <summary>The served directory's URL, without a trailing slash.</summary>
    public string BaseUrl { get; }

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
                return new StaticFileServer(process, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
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
    private static partial Regex PythonPort();
}
