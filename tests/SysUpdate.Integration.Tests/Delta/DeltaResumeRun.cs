using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Delta;

/// <summary>
/// A <c>sysupdate</c> run going on in the background, to be interrupted from outside as a user, the service
/// manager or the kernel would: SIGKILL, SIGTERM. Its output is collected until it exits.
/// </summary>
internal sealed partial class DeltaResumeRun : IDisposable
{
    private const int SigTerm = 15;
    private static readonly TimeSpan HungAfter = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly IReadOnlyList<string> _arguments;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private DeltaResumeRun(Process process, IReadOnlyList<string> arguments)
    {
        _process = process;
        _arguments = arguments;
        _process.StandardInput.Close();
        _stdout = _process.StandardOutput.ReadToEndAsync();
        _stderr = _process.StandardError.ReadToEndAsync();
    }

    public bool HasExited => _process.HasExited;

    public static DeltaResumeRun Start(SysUpdateProcess sysupdate, IReadOnlyList<string> arguments) =>
        new(Process.Start(sysupdate.CreateStartInfo(arguments)) ?? throw new InvalidOperationException($"could not start {sysupdate.Binary}"), arguments);

    /// <summary>SIGKILL: nothing of the process runs any more, as after a crash or power loss.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGTERM: what <c>systemctl stop</c> sends; the CLI cancels.</summary>
    public void Terminate()
    {
        if (kill(_process.Id, SigTerm) != 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"kill -TERM {_process.Id}");
    }

    /// <summary>Waits for the exit (failing only a hung run) and returns what the run printed.</summary>
    public async Task<ProcessResult> WaitAsync()
    {
        using var hung = new CancellationTokenSource(HungAfter);
        try
        {
            await _process.WaitForExitAsync(hung.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"sysupdate {string.Join(' ', _arguments)} did not exit within {HungAfter.TotalSeconds} s");
        }
        return new ProcessResult(_arguments, _process.ExitCode, await _stdout, await _stderr);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
