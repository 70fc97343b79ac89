namespace SysUpdate.Integration.Tests.Packaging;

/// <summary>
/// A <see cref="PackagingFactAttribute"/> that also needs a ReadyToRun single-file build of sysupdate:
/// the linux-arm64 one tests/run-all.sh publishes (<c>$SYSUPDATE_ARM64_BIN</c>); skipped, saying so, without it.
/// </summary>
internal sealed class ReadyToRunBuildFactAttribute : FactAttribute
{
    public ReadyToRunBuildFactAttribute(params string[] executables)
    {
        var packaging = new PackagingFactAttribute(executables);
        if (packaging.Skip is { } reason)
            Skip = reason;
        else if (Binary is null)
            Skip = "$SYSUPDATE_ARM64_BIN (the ReadyToRun arm64 build that tests/run-all.sh publishes) is not set or missing";
    }

    public static string? Binary { get; } =
        Environment.GetEnvironmentVariable("SYSUPDATE_ARM64_BIN") is { Length: > 0 } path && File.Exists(path) ? path : null;
}
