using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SysUpdate.Benchmarks;

/// <summary>
/// Runs a tool under a small bash wrapper that takes the time right around it and writes the tool's pid, so both
/// sides are timed alike (the reference's namespace and chroot setup happen before the wrapper starts), and
/// samples the tool's process tree for its peak RSS while it runs.
/// </summary>
internal sealed class TimedTreeRun
{
    private const string WrapperScript = """
        #!/bin/bash
        # timed-run PIDFILE TIMEFILE COMMAND...: runs COMMAND, writes its pid first and "START END" (seconds) last.
        pidfile=$1 timefile=$2
        shift 2
        start=$EPOCHREALTIME
        "$@" &
        pid=$!
        echo "$pid" >"$pidfile"
        rc=0
        wait "$pid" || rc=$?
        end=$EPOCHREALTIME
        echo "$start $end" >"$timefile"
        exit $rc

        """;

    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(20);

    private readonly string _directory;
    private int _counter;

    /// <param name="directory">Holds the wrapper and its pid and time files; must be visible at the same path to a
    /// tool run in a chroot.</param>
    public TimedTreeRun(string directory)
    {
        _directory = directory;
        WrapperPath = Path.Combine(directory, "timed-run.sh");
        File.WriteAllText(WrapperPath, WrapperScript);
    }

    public string WrapperPath { get; }

    /// <summary>Runs <paramref name="launcher"/> (a program and arguments that end by exec'ing what follows them; empty
    /// to run directly), then <c>/bin/bash timed-run.sh PIDFILE TIMEFILE</c>, then <paramref name="command"/>.</summary>
    public async Task<TreeRunResult> RunAsync(IReadOnlyList<string> launcher, IReadOnlyList<string> command,
        IReadOnlyDictionary<string, string> environment)
    {
        int n = Interlocked.Increment(ref _counter);
        string pidFile = Path.Combine(_directory, $"run-{n}.pid");
        string timeFile = Path.Combine(_directory, $"run-{n}.time");
        string[] argv = [.. launcher, "/bin/bash", WrapperPath, pidFile, timeFile, .. command];
        var info = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in argv[1..])
            info.ArgumentList.Add(a);
        info.Environment["LC_ALL"] = "C";
        foreach (var (name, value) in environment)
            info.Environment[name] = value;

        using var process = Process.Start(info) ?? throw new BenchmarkSetupException($"cannot start {argv[0]}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var exited = process.WaitForExitAsync();
        ProcessTreeSampler? sampler = null;
        while (!exited.IsCompleted)
        {
            if (sampler is null && TryReadPid(pidFile) is { } pid)
                sampler = new ProcessTreeSampler(pid);
            sampler?.Sample();
            await Task.WhenAny(exited, Task.Delay(SampleInterval)).ConfigureAwait(false);
        }
        await exited.ConfigureAwait(false);
        string output = new StringBuilder().Append(await stdout.ConfigureAwait(false)).Append(await stderr.ConfigureAwait(false)).ToString();
        double seconds = ReadSeconds(timeFile, output);
        File.Delete(pidFile);
        File.Delete(timeFile);
        return new TreeRunResult(seconds, sampler?.PeakBytes ?? 0, sampler?.Processes ?? 0, process.ExitCode, output);
    }

    private static int? TryReadPid(string pidFile)
    {
        try
        {
            return int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static double ReadSeconds(string timeFile, string output)
    {
        if (!File.Exists(timeFile))
            throw new ComparisonRunFailedException($"the timing wrapper did not finish (no {timeFile}):\n{Tail(output)}");
        string[] parts = File.ReadAllText(timeFile).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return double.Parse(parts[1], CultureInfo.InvariantCulture) - double.Parse(parts[0], CultureInfo.InvariantCulture);
    }

    /// <summary>The last lines of a tool's output, for a failure message.</summary>
    public static string Tail(string output, int lines = 8) =>
        output.Trim().Length == 0 ? "(no output)" : string.Join('\n', output.TrimEnd().Split('\n').TakeLast(lines));
}
