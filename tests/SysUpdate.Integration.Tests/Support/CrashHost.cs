using SysUpdate.Core.Faults;

namespace SysUpdate.Integration.Tests.Support;

/// <summary>
/// The test-only <c>SysUpdate.CrashHost</c> (tests/SysUpdate.CrashHost): sysupdate's command line with a fault
/// injector that SIGKILLs the process at the <see cref="CrashStep"/>s it is given, for the process-level crash
/// tests (the shipped binary has no such switch). The binary is <c>$SYSUPDATE_CRASH_HOST</c> if set
/// (tests/run-all.sh publishes it next to the product), else the build output of the configuration these
/// tests were built in (this project builds it as a reference).
/// </summary>
internal static class CrashHost
{
    private const string BinaryVariable = "SYSUPDATE_CRASH_HOST";

    private static readonly Lazy<string> Located = new(Locate);

    public static string Binary => Located.Value;

    /// <summary>Runs the crash host with sysupdate's <paramref name="args"/>, killing itself at the first of
    /// <paramref name="steps"/> it reaches.</summary>
    public static Task<ProcessResult> RunCrashingAtAsync(IEnumerable<CrashStep> steps, params string[] args) =>
        new SysUpdateProcess(Binary).RunAsync(["--crash-at=" + string.Join(',', steps), .. args]);

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } fromEnvironment)
        {
            if (!File.Exists(fromEnvironment))
                throw new FileNotFoundException($"{BinaryVariable} points at a missing file: {fromEnvironment}");
            return fromEnvironment;
        }
        string built = BuildOutput.Executable("tests/SysUpdate.CrashHost", "SysUpdate.CrashHost", perRuntime: false);
        return File.Exists(built) ? built
            : throw new FileNotFoundException($"{built} is not built; run `dotnet build tests/SysUpdate.Integration.Tests -c {BuildOutput.Configuration}` or set {BinaryVariable}");
    }
}
