using System.Diagnostics;
using System.Text;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Faults.Support;

/// <summary>
/// A <c>sysupdate</c> process started in the background whose stderr is read line by line while it
/// runs, so a test can wait for what it shows (a progress line, a file growing) and then SIGKILL it
/// from outside — no hook in the product.
/// </summary>
internal sealed class WatchedRun : IDisposable
{
    /// <summary>How long waiting for a run to end may take before the test is declared hung.</summary>
    public static readonly TimeSpan HangTimeout = TimeSpan.FromSeconds(120);

    private readonly Process _process;
    private readonly IReadOnlyList<string> _arguments;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<string> _errorLines = [];
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _lock = new();

    private WatchedRun(Process process, IReadOnlyList<string> arguments)
    {
        _process = process;
        _arguments = arguments;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>True once <see cref="Kill"/> sent SIGKILL to a process that was still running.</summary>
    public bool KilledWhileRunning { get; private set; }

    public static WatchedRun Start(SysUpdateProcess sysupdate, params string[] args)
    {
        var process = new Process { StartInfo = sysupdate.CreateStartInfo(args) };
        var run = new WatchedRun(process, args);
        process.ErrorDataReceived += (_, e) => run.OnLine(e.Data, run._stderr, run._errorLines, run._stderrClosed);
        process.OutputDataReceived += (_, e) => run.OnLine(e.Data, run._stdout, null, run._stdoutClosed);
        process.Start();
        process.StandardInput.Close();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return run;
    }

    /// <summary>The stderr lines seen so far.</summary>
    public IReadOnlyList<string> ErrorLines
    {
        get
        {
            lock (_lock)
                return _errorLines.ToList();
        }
    }

    /// <summary>Sends SIGKILL (if the process still runs).</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
                KilledWhileRunning = true;
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the signal.
        }
    }

    /// <summary>
    /// Waits until <paramref name="ready"/> holds (polled every few milliseconds, it may look at the
    /// file system) or the process exits; true when the condition was met while it still ran.
    /// </summary>
    public async Task<bool> WaitUntilAsync(Func<bool> ready)
    {
        var hang = Stopwatch.StartNew();
        while (!_process.HasExited)
        {
            if (ready())
                return !_process.HasExited;
            if (hang.Elapsed > HangTimeout)
                throw new TimeoutException($"sysupdate {string.Join(' ', _arguments)} neither showed the awaited state nor exited\n{Describe(-1)}");
            await Task.Delay(2);
        }
        return false;
    }

    /// <summary>Waits for a stderr line matching <paramref name="match"/>; true when it came while the process ran.</summary>
    public Task<bool> WaitForLineAsync(Func<string, bool> match) => WaitUntilAsync(() => ErrorLines.Any(match));

    /// <summary>Waits for the process to end and for its output to be read.</summary>
    public async Task<ProcessResult> WaitForExitAsync()
    {
        using var cts = new CancellationTokenSource(HangTimeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"sysupdate {string.Join(' ', _arguments)} did not finish within {HangTimeout.TotalSeconds}s\n{Describe(-1)}");
        }
        lock (_lock)
            return new ProcessResult(_arguments, _process.ExitCode, _stdout.ToString(), _stderr.ToString());
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void OnLine(string? line, StringBuilder all, List<string>? lines, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }
        lock (_lock)
        {
            all.Append(line).Append('\n');
            lines?.Add(line);
        }
    }

    private string Describe(int exitCode)
    {
        lock (_lock)
            return new ProcessResult(_arguments, exitCode, _stdout.ToString(), _stderr.ToString()).ToString();
    }
}
