namespace SysUpdate.Core.Targets;

/// <summary>Why a tar payload was refused.</summary>
internal enum TarArchiveError
{
    /// <summary>Not a tar archive, or a header that does not parse (an HTML page, garbage).</summary>
    Malformed,
    /// <summary>The archive ends in the middle of an entry or without its end-of-archive blocks.</summary>
    Truncated,
    /// <summary>More bytes than the declared size or the free space allows, or an oversized header.</summary>
    TooLarge,
    /// <summary>A name longer than PATH_MAX / NAME_MAX, or nested deeper than the limit.</summary>
    NameTooLong,
    /// <summary>More entries than the limit.</summary>
    TooManyEntries,
    /// <summary>An entry of one kind where an earlier entry left another (file, then directory of that name).</summary>
    Conflict,
    /// <summary>An entry that would land outside the directory (absolute name, <c>..</c>, through a symlink).</summary>
    Unsafe,
    /// <summary>An entry type or feature the extractor does not handle (sparse files, tape volumes).</summary>
    Unsupported,
}
