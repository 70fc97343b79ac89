namespace SysUpdate.Integration.Tests.Support;

/// <summary>What one <c>sysupdate</c> run printed and returned.</summary>
internal sealed record ProcessResult(IReadOnlyList<string> Arguments, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Non-empty stderr lines.</summary>
    public IReadOnlyList<string> ErrorLines =>
        StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Asserts the exit code, showing the whole run when it differs.</summary>
    public ProcessResult ShouldExit(int expected)
    {
        if (ExitCode != expected)
            Assert.Fail($"expected exit {expected}, got {ExitCode}\n{this}");
        return this;
    }

    public override string ToString() =>
        $"$ sysupdate {string.Join(' ', Arguments)}\n--- exit {ExitCode}; stdout:\n{StandardOutput}--- stderr:\n{StandardError}";
}
