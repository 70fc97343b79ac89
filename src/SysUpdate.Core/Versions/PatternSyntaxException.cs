namespace SysUpdate.Core.Versions;

/// <summary>
/// A <c>MatchPattern=</c> value is malformed. The message says what is wrong with the pattern; the
/// configuration layer adds the file and line.
/// </summary>
internal sealed class PatternSyntaxException : SysUpdateException
{
    public PatternSyntaxException(string pattern, string problem)
        : base($"{problem}: '{pattern}'")
    {
        Pattern = pattern;
        Problem = problem;
        Errno = Errno.EINVAL;
    }

    /// <summary>The pattern text as given.</summary>
    public string Pattern { get; }

    /// <summary>What is wrong, without the pattern text.</summary>
    public string Problem { get; }
}
