namespace SysUpdate.Core.Versions;

/// <summary>What one piece of a parsed <see cref="MatchPattern"/> is.</summary>
internal enum PatternElementKind
{
    /// <summary>Text that must appear as is (never contains <c>/</c>).</summary>
    Literal,

    /// <summary>A <c>/</c>: a path component boundary.</summary>
    Slash,

    /// <summary>An <c>@X</c> field marker.</summary>
    Field,
}
