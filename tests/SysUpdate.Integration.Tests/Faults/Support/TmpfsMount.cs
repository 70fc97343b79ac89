using System.Diagnostics;

namespace SysUpdate.Integration.Tests.Faults.Support;

/// <summary>A small tmpfs mounted on a test directory (root only): a target that fills up or turns read-only. Unmounted on dispose.</summary>
internal sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    /// <summary>Null when a tmpfs can be mounted here; else why not (probed once with a throw-away mount).</summary>
    public static readonly string? Unavailable = Probe();

    public static TmpfsMount Create(string path, string size)
    {
        Directory.CreateDirectory(path);
        RunOrThrow("mount", "-t", "tmpfs", "-o", $"size={size},mode=0755", "tmpfs", path);
        return new TmpfsMount(path);
    }

    public void RemountReadOnly() => RunOrThrow("mount", "-o", "remount,ro", Path);

    public void Dispose()
    {
        if (Run("umount", Path).ExitCode != 0)
            Run("umount", "-l", Path);
    }

    private static string? Probe()
    {
        if (FaultPrerequisites.NotRoot is { } reason)
            return reason;
        string dir = Directory.CreateTempSubdirectory("sysupdate-tmpfs-probe-").FullName;
        try
        {
            return Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).ExitCode == 0 && Run("umount", dir).ExitCode == 0
                ? null : "cannot mount a tmpfs here (no CAP_SYS_ADMIN in this container?)";
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    private static void RunOrThrow(string tool, params string[] args)
    {
        if (Run(tool, args) is var (exit, error) && exit != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({exit}): {error}");
    }

    private static (int ExitCode, string Error) Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {tool}");
        string error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill();
            throw new TimeoutException($"{tool} {string.Join(' ', args)} hung");
        }
        return (process.ExitCode, error);
    }
}
