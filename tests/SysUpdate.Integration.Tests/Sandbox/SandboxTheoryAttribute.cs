using System.Diagnostics;

namespace SysUpdate.Integration.Tests.Sandbox;

/// <summary>
/// A theory that runs only where a unit's sandbox can be applied without PID 1: root, setpriv,
/// python3, libseccomp, and a kernel with prctl(PR_SET_MDWE) (6.3+); skipped, with the reason, otherwise.
/// The probe runs the launcher itself with MDWE and a seccomp filter on /bin/true.
/// </summary>
internal sealed class SandboxTheoryAttribute : TheoryAttribute
{
    private static readonly Lazy<string?> Reason = new(Probe);

    public SandboxTheoryAttribute(params string[] executables)
    {
        var missing = executables.Where(e => !File.Exists(e)).ToList();
        if (Reason.Value is { } reason)
            Skip = reason;
        else if (missing.Count > 0)
            Skip = $"not installed: {string.Join(", ", missing)}";
    }

    private static string? Probe()
    {
        if (!Environment.IsPrivilegedProcess)
            return "needs root (capability bounding set, seccomp as a unit applies it)";
        foreach (string tool in (string[])["/usr/bin/setpriv", "/usr/bin/python3", "/bin/true"])
        {
            if (!File.Exists(tool))
                return $"not installed: {tool}";
        }
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])[SandboxLauncher.Script, "--memory-deny-write-execute", "--lock-personality", "--", "/bin/true"])
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : $"cannot sandbox here: {error.Trim()}";
    }
}
