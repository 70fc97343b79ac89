using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SysUpdate.Benchmarks;

/// <summary>Runs an executable, timing it and (optionally) polling its peak RSS from /proc.</summary>
internal static class ChildProcess
{
    private static readonly TimeSpan RssPollInterval = TimeSpan.FromMilliseconds(20);

    public static async Task<ChildResult> RunAsync(string file, IEnumerable<string> arguments, bool pollRss, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (string a in arguments)
            info.ArgumentList.Add(a);
        info.Environment["SYSTEMD_PAGER"] = "cat";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;

        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new BenchmarkSetupException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        string status = $"/proc/{process.Id}/status";
        string stat = $"/proc/{process.Id}/stat";
        long peak = 0;
        double cpu = 0;
        var exited = process.WaitForExitAsync();
        if (pollRss)
        {
            while (!exited.IsCompleted)
            {
                peak = Math.Max(peak, ReadVmHwm(status));
                cpu = Math.Max(cpu, ReadCpuSeconds(stat));
                await Task.WhenAny(exited, Task.Delay(RssPollInterval)).ConfigureAwait(false);
            }
        }
        await exited.ConfigureAwait(false);
        stopwatch.Stop();
        output.Append(await stdout.ConfigureAwait(false)).Append(await stderr.ConfigureAwait(false));
        return new ChildResult(stopwatch.Elapsed, peak, cpu, process.ExitCode, output.ToString());
    }

    /// <summary>utime + stime in seconds (fields 14 and 15 of /proc/PID/stat, in clock ticks of 1/100 s), or 0 once gone.</summary>
    private static double ReadCpuSeconds(string statPath)
    {
        try
        {
            string text = File.ReadAllText(statPath);
            string[] fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state): utime is field 14, stime field 15.
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>VmHWM in bytes, or 0 once the process is gone (or a zombie without memory).</summary>
    private static long ReadVmHwm(string statusPath)
    {
        try
        {
            foreach (string line in File.ReadLines(statusPath))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }
}
