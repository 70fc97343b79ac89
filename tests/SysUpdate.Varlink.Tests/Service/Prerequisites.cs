using System.Diagnostics;

namespace SysUpdate.Varlink.Tests.Service;

/// <summary>
/// What the process-level tests need from the machine, each as the reason to skip when it is missing
/// (null when present). The skip attributes combine these in their constructors, so a test that cannot
/// run is reported as skipped by the runner instead of returning early and counting as passed.
/// </summary>
internal static class Prerequisites
{
    public const string Python = "/usr/bin/python3";
    public const string SetPriv = "/usr/bin/setpriv";
    public const string SocketActivate = "/usr/bin/systemd-socket-activate";

    private static readonly Lazy<string?> PythonVarlinkProbe = new(ProbePythonVarlink);

    public static string? SysUpdateMissing => ServiceBinaries.SysUpdate is null ? ServiceBinaries.SkipReason("sysupdate") : null;

    public static string? UpdateCtlMissing => ServiceBinaries.UpdateCtl is null ? ServiceBinaries.SkipReason("updatectl") : null;

    /// <summary>The reference client: <c>/usr/bin/python3 -c "import varlink"</c> must succeed in this environment.</summary>
    public static string? PythonVarlinkMissing => PythonVarlinkProbe.Value;

    public static string? SocketActivateMissing => File.Exists(SocketActivate) ? null : "systemd-socket-activate is not installed (apt-get install systemd)";

    /// <summary>Running a client as uid 65534 (nobody) takes root and setpriv.</summary>
    public static string? OtherUidMissing =>
        Native.GetUid() != 0 ? "needs root to start a client as uid 65534 (setpriv)"
        : !File.Exists(SetPriv) ? "setpriv is not installed (apt-get install util-linux)"
        : !File.Exists(Python) ? Python + " is not installed"
        : null;

    /// <summary>The first missing prerequisite's reason, or null when all are present.</summary>
    public static string? FirstMissing(params Func<string?>[] checks) =>
        checks.Select(check => check()).FirstOrDefault(reason => reason is not null);

    private static string? ProbePythonVarlink()
    {
        if (!File.Exists(Python))
            return Python + " is not installed";
        var start = new ProcessStartInfo(Python, ["-c", "import varlink"]) { RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            return Python + " -c 'import varlink' did not finish";
        }
        string error = process.StandardError.ReadToEnd();
        return process.ExitCode == 0
            ? null
            : "python3-varlink is not importable (apt-get install -t bookworm-backports python3-varlink): "
              + error.TrimEnd().Split('\n')[^1];
    }
}
