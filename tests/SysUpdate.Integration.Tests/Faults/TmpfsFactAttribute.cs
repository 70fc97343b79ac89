using System.Diagnostics;

namespace SysUpdate.Integration.Tests.Faults;

/// <summary>A fact that needs to mount a small tmpfs (root, and a mount(8) that works here); skipped with the reason otherwise.</summary>
internal sealed class TmpfsFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> UnavailableReason = new(Probe);

    public TmpfsFactAttribute()
    {
        if (UnavailableReason.Value is { } reason)
            Skip = reason;
    }

    private static string? Probe()
    {
        if (!Environment.IsPrivilegedProcess)
            return "needs root to mount a tmpfs";
        string dir = Directory.CreateTempSubdirectory("sysupdate-tmpfs-probe-").FullName;
        try
        {
            if (Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir) != 0)
                return "mount -t tmpfs is not permitted here";
            Run("umount", dir);
            return null;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"mount(8) cannot be run: {ex.Message}";
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    public static int Run(params string[] args)
    {
        var start = new ProcessStartInfo(args[0]) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args.Skip(1))
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode;
    }
}
