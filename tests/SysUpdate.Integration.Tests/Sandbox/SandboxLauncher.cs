using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Sandbox;

/// <summary>
/// Runs the published <c>sysupdate</c> under a <see cref="UnitSandbox"/>: setpriv applies
/// NoNewPrivileges= and CapabilityBoundingSet=, then unit-sandbox.py applies MDWE and the seccomp
/// filters and execs the binary (so the exit code is the binary's own, 139 for SIGSEGV).
/// </summary>
internal sealed class SandboxLauncher(UnitSandbox sandbox)
{
    /// <summary>The one SystemCallFilter= value upstream's and our units use, flattened from 262.1.</summary>
    private const string SystemServiceAndMount = "@system-service @mount";

    public static string Directory => Path.Combine(RepoLayout.Root, "tests/SysUpdate.Integration.Tests/Sandbox");

    public static string Script => Path.Combine(Directory, "unit-sandbox.py");

    /// <summary>The program that applies the sandbox (setpriv), as a process to run or socket-activate.</summary>
    public static SysUpdateProcess Process => new("/usr/bin/setpriv");

    public Task<ProcessResult> RunAsync(params string[] sysupdateArgs) => Process.RunAsync([.. Arguments(sysupdateArgs)]);

    /// <summary>setpriv's arguments that end in running the published binary with <paramref name="sysupdateArgs"/>.</summary>
    public IEnumerable<string> Arguments(params string[] sysupdateArgs) =>
        [.. SetprivArguments(), "/usr/bin/python3", Script, .. LauncherArguments(), "--", new SysUpdateProcess().Binary, .. sysupdateArgs];

    private IEnumerable<string> SetprivArguments()
    {
        if (sandbox.NoNewPrivileges)
            yield return "--no-new-privs";
        if (sandbox.CapabilityBoundingSet is { } capabilities)
        {
            yield return "--bounding-set";
            yield return string.Join(',', ["-all", .. capabilities.Select(c => "+" + c.Replace("CAP_", "", StringComparison.Ordinal).ToLowerInvariant())]);
        }
    }

    private IEnumerable<string> LauncherArguments()
    {
        if (sandbox.MemoryDenyWriteExecute)
            yield return "--memory-deny-write-execute";
        if (sandbox.SystemCallFilter is { } filter)
        {
            if (filter != SystemServiceAndMount)
                throw new InvalidOperationException($"SystemCallFilter={filter} has no flattened list here (only '{SystemServiceAndMount}')");
            yield return "--system-call-filter";
            yield return Path.Combine(Directory, "system-service-mount.262.1.syscalls");
            yield return "--system-call-error-number";
            yield return sandbox.SystemCallErrorNumber;
        }
        if (sandbox.LockPersonality)
            yield return "--lock-personality";
        if (sandbox.RestrictRealtime)
            yield return "--restrict-realtime";
        if (sandbox.RestrictNamespaces is { } namespaces)
        {
            yield return "--restrict-namespaces";
            yield return string.Join(',', namespaces);
        }
        if (sandbox.RestrictAddressFamilies is { } families)
        {
            yield return "--restrict-address-families";
            yield return string.Join(',', families);
        }
    }
}
