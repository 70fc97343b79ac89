using System.Diagnostics;

namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>Runs util-linux tools (sfdisk, losetup) and says whether they, and loop devices, can be used here.</summary>
internal static class DiskTools
{
    public static readonly string? SfdiskPath = Find("sfdisk");

    public static readonly string? LosetupPath = Find("losetup");

    /// <summary>Null when loop devices can be attached; else why not.</summary>
    public static readonly string? LoopUnavailableReason =
        SfdiskPath is null ? "sfdisk not installed (apt-get install -y fdisk)"
        : LosetupPath is null ? "losetup not installed (apt-get install -y mount)"
        : Environment.UserName != "root" ? $"needs root for loop devices (running as {Environment.UserName})"
        : !File.Exists("/dev/loop-control") ? "no /dev/loop-control (loop module missing or not visible in this container)"
        : null;

    public static (int ExitCode, string Stdout, string Stderr) Run(string tool, params string[] args)
    {
        string path = tool switch
        {
            "sfdisk" => SfdiskPath,
            "losetup" => LosetupPath,
            _ => Find(tool),
        } ?? throw new InvalidOperationException($"{tool} not found (apt-get install -y fdisk mount)");
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["LC_ALL"] = "C";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {path}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', args)} hung");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
