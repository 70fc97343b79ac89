namespace SysUpdate.Integration.Tests.Http;

/// <summary>A theory that is skipped, with the reason shown, when a third-party program it runs is not installed.</summary>
internal sealed class ExecutableTheoryAttribute : TheoryAttribute
{
    public ExecutableTheoryAttribute(params string[] executables)
    {
        var missing = executables.Where(e => !File.Exists(e)).ToList();
        if (missing.Count > 0)
            Skip = $"not installed: {string.Join(", ", missing)} (tests/run-all.sh installs it as root)";
    }
}
