using System.Diagnostics;

namespace SysUpdate.Integration.Tests.Support;

/// <summary>
/// Runs the built <c>sysupdate</c> executable as a separate process. The binary is
/// <c>$SYSUPDATE_BIN</c> if set (tests/run-all.sh points it at the published single file), else the
/// build output of <c>src/SysUpdate.Cli</c> for this configuration and runtime identifier below the
/// directory holding <c>SysUpdate.sln</c>.
/// </summary>
internal sealed class SysUpdateProcess
{
    private static readonly Lazy<string> DefaultBinary = new(LocateBinary);

    private readonly Dictionary<string, string?> _environment = new(StringComparer.Ordinal);

    public SysUpdateProcess(string? binary = null)
    {
        Binary = binary ?? DefaultBinary.Value;
        // Never talk to a real service manager or print progress bars from inside tests.
        _environment["NOTIFY_SOCKET"] = null;
        _environment["SYSTEMD_LOG_LEVEL"] = null;
        _environment["SYSTEMD_SYSUPDATE_FORCE_NOTIFY"] = null;
    }

    public string Binary { get; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The variables set (value) or removed (null) for every run.</summary>
    public IReadOnlyDictionary<string, string?> EnvironmentOverrides => _environment;

    /// <summary>Sets (or with <c>null</c> removes) an environment variable for every later run.</summary>
    public SysUpdateProcess WithEnvironment(string name, string? value)
    {
        _environment[name] = value;
        return this;
    }

    /// <summary>What every test against a server on 127.0.0.1 sets: its own conditional-GET cache, verification as the
    /// definitions say, short read timeouts and retries (a failing server fails fast), and no proxy from the caller's
    /// environment.</summary>
    public SysUpdateProcess ForLoopbackHttp(string cacheDirectory, int readTimeoutSeconds = 5) =>
        WithEnvironment("SYSUPDATE_CACHE_DIRECTORY", cacheDirectory)
            .WithEnvironment("SYSTEMD_SYSUPDATE_NO_VERIFY", null)
            .WithEnvironment("SYSUPDATE_HTTP_READ_TIMEOUT_SEC", readTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("SYSUPDATE_HTTP_RETRIES", "2")
            .WithEnvironment("SYSUPDATE_HTTP_RETRY_DELAY_MS", "50")
            .WithEnvironment("http_proxy", null)
            .WithEnvironment("HTTP_PROXY", null)
            .WithEnvironment("all_proxy", null)
            .WithEnvironment("ALL_PROXY", null);

    public async Task<ProcessResult> RunAsync(params string[] args)
    {
        var start = CreateStartInfo(args);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Binary}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"sysupdate {string.Join(' ', args)} did not finish within {Timeout.TotalSeconds}s");
        }
        return new ProcessResult(args, process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>How <see cref="RunAsync"/> starts the binary (redirected stdio, this run's environment),
    /// for tests that watch or signal a run while it is going.</summary>
    public ProcessStartInfo CreateStartInfo(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in _environment)
        {
            if (value is null)
                start.Environment.Remove(name);
            else
                start.Environment[name] = value;
        }
        return start;
    }

    private static string LocateBinary()
    {
        if (Environment.GetEnvironmentVariable("SYSUPDATE_BIN") is { Length: > 0 } fromEnvironment)
        {
            if (!File.Exists(fromEnvironment))
                throw new FileNotFoundException($"SYSUPDATE_BIN points at a missing file: {fromEnvironment}");
            return fromEnvironment;
        }
        string built = BuildOutput.Executable("src/SysUpdate.Cli", "sysupdate", perRuntime: true);
        return File.Exists(built) ? built
            : throw new FileNotFoundException($"{built} is not built; run `dotnet build src/SysUpdate.Cli -c {BuildOutput.Configuration}` or set SYSUPDATE_BIN");
    }
}
