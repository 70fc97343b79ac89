namespace SysUpdate.Integration.Tests.Faults;

/// <summary>What every failed run must look like: non-zero exit, no stack trace, the error on one line.</summary>
internal static class FaultAssert
{
    public static void FailedCleanly(Tests.Support.ProcessResult result)
    {
        Assert.True(result.ExitCode != 0, $"expected a failure\n{result}");
        Assert.DoesNotContain(result.ErrorLines, l => l.StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Unhandled exception", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }
}
