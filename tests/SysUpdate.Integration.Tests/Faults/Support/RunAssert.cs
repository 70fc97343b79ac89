using System.Text.RegularExpressions;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Faults.Support;

/// <summary>What every failed or raced run must look like: no stack trace, and one stderr line per failure.</summary>
internal static partial class RunAssert
{
    /// <summary>Asserts no .NET stack trace or unhandled-exception banner is on stderr or stdout.</summary>
    public static void NoStackTrace(ProcessResult result, string because)
    {
        string all = result.StandardError + "\n" + result.StandardOutput;
        if (StackFrame().IsMatch(all) || all.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase))
            Assert.Fail($"{because}: stack trace on the output\n{result}");
    }

    /// <summary>Asserts a failed run: exit status non-zero and no stack trace (the lines are checked by the caller).</summary>
    public static void Failed(ProcessResult result, string because = "the run")
    {
        if (result.ExitCode == 0)
            Assert.Fail($"{because}: expected a non-zero exit status\n{result}");
        NoStackTrace(result, because);
    }

    /// <summary>The stderr lines that are not plain progress lines ("10-usr: 40% (…)").</summary>
    public static IReadOnlyList<string> MessageLines(ProcessResult result) =>
        result.ErrorLines.Where(l => !ProgressLine().IsMatch(l)).ToList();

    /// <summary>
    /// Asserts a failed run: exit status non-zero, no stack trace, exactly <paramref name="lines"/>
    /// message lines on stderr, each fragment group found in its own line (in any order).
    /// </summary>
    public static IReadOnlyList<string> FailedWithLines(ProcessResult result, string because, params string[][] fragmentsPerLine)
    {
        if (result.ExitCode == 0)
            Assert.Fail($"{because}: expected a non-zero exit status\n{result}");
        NoStackTrace(result, because);
        var lines = MessageLines(result);
        if (lines.Count != fragmentsPerLine.Length)
            Assert.Fail($"{because}: expected {fragmentsPerLine.Length} line(s) on stderr, got {lines.Count}\n{result}");
        var unmatched = lines.ToList();
        foreach (var fragments in fragmentsPerLine)
        {
            string? line = unmatched.FirstOrDefault(l => fragments.All(f => l.Contains(f, StringComparison.Ordinal)));
            if (line is null)
                Assert.Fail($"{because}: no stderr line contains all of [{string.Join(", ", fragments)}]\n{result}");
            unmatched.Remove(line);
        }
        return lines;
    }

    /// <summary>Asserts a failed run with one stderr line containing every fragment; returns the line.</summary>
    public static string FailedWithOneLine(ProcessResult result, string because, params string[] fragments) =>
        FailedWithLines(result, because, fragments)[0];

    [GeneratedRegex(@"^\s+at \S+.*\)", RegexOptions.Multiline)]
    private static partial Regex StackFrame();

    // "10-usr: 40% (1.6M, 1.0 MiB/s, 0:03 left)"; the rate and time left appear once measured, the
    // percentage only when the size is known.
    [GeneratedRegex(@"^\S+: ([0-9]{1,3}% )?\(\S+(, [0-9.]+ [KMG]?i?B/s)?(, [0-9:]+ left)?\)$")]
    private static partial Regex ProgressLine();
}
