namespace SysUpdate.Core.Versions;

/// <summary>Result of matching a name or relative path against <see cref="MatchPattern"/>s.</summary>
internal enum PatternMatch
{
    /// <summary>Neither this path nor anything below it can match.</summary>
    No,

    /// <summary>The path matches; the metadata is filled in.</summary>
    Yes,

    /// <summary>
    /// The path does not match, but paths below it might: if it is a directory, descend into it
    /// and match its entries as <c>path/entry</c>. For a manifest entry (a file) this means no match.
    /// </summary>
    Retry,

    /// <summary>
    /// Both <see cref="Yes"/> and <see cref="Retry"/>: the path matches (metadata filled in) and,
    /// if it is a directory, entries below it may match too.
    /// </summary>
    YesAndRetry,
}
