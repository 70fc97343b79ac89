using System.ComponentModel;
using System.Diagnostics;

namespace SysUpdate.Core.Tests.Manifests;

/// <summary>A fact that is skipped, with the reason shown, when gpg is not installed (it makes the keys and is the oracle).</summary>
internal sealed class GpgFactAttribute : FactAttribute
{
    public GpgFactAttribute()
    {
        if (!Available)
            Skip = "gpg is not installed; install the package gpg to run the OpenPGP tests";
    }

    public static bool Available { get; } = Probe();

    private static bool Probe()
    {
        try
        {
            using Process? process = Process.Start(new ProcessStartInfo("gpg", ["--version"])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            });
            if (process is null)
                return false;
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            return false;
        }
    }
}
