using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Config;

/// <summary>The <c>[Source]</c> or <c>[Target]</c> section of a transfer, validated.</summary>
internal sealed record Resource
{
    public required ResourceType Type { get; init; }

    /// <summary>The configured path or URL, specifiers expanded; null when <c>Path=auto</c>.</summary>
    public required string? Path { get; init; }

    /// <summary><c>Path=auto</c>: the disk backing /usr (or /), partition targets only.</summary>
    public bool PathAuto { get; init; }

    public PathRelativeTo PathRelativeTo { get; init; } = PathRelativeTo.Root;

    public required IReadOnlyList<MatchPattern> Patterns { get; init; }

    /// <summary><c>ChunkStore=</c>: the casync chunk store of a <c>url-file</c> source, when not
    /// <c>default.castr/</c> beside <c>SHA256SUMS</c>; null otherwise.</summary>
    public string? ChunkStore { get; init; }

    /// <summary><c>DeltaMaxFetch=</c>: the largest share of the image (percent) a delta download may fetch from the
    /// chunk store; more, and the whole image is downloaded. Null: <see cref="Delta.DeltaDownload.DefaultMaxFetchShare"/>.</summary>
    public int? DeltaMaxFetchPercent { get; init; }

    /// <summary><c>RateLimit=</c>: bytes per second for the downloads of a url source (0 unlimited); null when not set.
    /// One run uses the smallest positive limit of its enabled transfers unless <c>--rate-limit=</c> or
    /// <c>SYSTEMD_SYSUPDATE_RATE_LIMIT</c> is given.</summary>
    public long? RateLimit { get; init; }

    /// <summary><c>Mirror=</c>: further base URLs of a url source, tried in order after <see cref="Path"/> (the one that
    /// last worked first); empty when none is set.</summary>
    public IReadOnlyList<string> Mirrors { get; init; } = [];

    /// <summary><c>MatchPartitionType=</c>, resolved; partition targets only.</summary>
    public Guid? PartitionType { get; init; }
}
