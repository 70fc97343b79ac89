namespace SysUpdate.Core.Versions;

/// <summary>
/// What is known about one instance: parsed from its name by a <c>MatchPattern</c> (the <c>@</c>
/// fields) and completed from the file system, the GPT entry or the manifest. Every field is
/// optional; null means "not known", never a default.
/// </summary>
public sealed record InstanceMetadata
{
    public static readonly InstanceMetadata Empty = new();

    /// <summary><c>@v</c></summary>
    public string? Version { get; init; }

    /// <summary><c>@u</c>; a GPT partition UUID.</summary>
    public Guid? PartitionUuid { get; init; }

    /// <summary><c>@f</c>; the full 64-bit GPT attribute word.</summary>
    public ulong? PartitionFlags { get; init; }

    /// <summary><c>@t</c>; modification time in microseconds since the epoch.</summary>
    public ulong? MtimeMicroseconds { get; init; }

    /// <summary><c>@m</c>; file mode bits (at most 0775 from a pattern).</summary>
    public uint? Mode { get; init; }

    /// <summary><c>@s</c>; uncompressed size in bytes.</summary>
    public ulong? Size { get; init; }

    /// <summary><c>@d</c></summary>
    public ulong? TriesDone { get; init; }

    /// <summary><c>@l</c></summary>
    public ulong? TriesLeft { get; init; }

    /// <summary><c>@a</c>; GPT no-auto bit.</summary>
    public bool? NoAuto { get; init; }

    /// <summary><c>@r</c>; read-only.</summary>
    public bool? ReadOnly { get; init; }

    /// <summary><c>@g</c>; GPT grow-file-system bit.</summary>
    public bool? GrowFileSystem { get; init; }

    /// <summary><c>@h</c>; SHA-256 of the payload as published, 64 lowercase hex digits.</summary>
    public string? Sha256 { get; init; }
}
