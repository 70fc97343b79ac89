namespace SysUpdate.Core.Config;

/// <summary>One <c>*.transfer</c> file with its drop-ins: a source, a target and the rules that bind
/// them. Immutable and validated; defaults already applied.</summary>
internal sealed record Transfer
{
    /// <summary>The file name without <c>.transfer</c> (or legacy <c>.conf</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The main definition file, for messages.</summary>
    public required string DefinitionPath { get; init; }

    public required Resource Source { get; init; }

    public required Resource Target { get; init; }

    public string? MinVersion { get; init; }

    /// <summary><c>MaxVersion=</c>: newer versions are listed as too new and never installed.</summary>
    public string? MaxVersion { get; init; }

    public IReadOnlyList<string> ProtectVersions { get; init; } = [];

    /// <summary><c>Verify=</c>; null means the default (yes).</summary>
    public bool? Verify { get; init; }

    /// <summary><c>SignatureScheme=</c> (ours); empty means unset (sysupdate.conf's, else openpgp).</summary>
    public IReadOnlyList<string> SignatureSchemes { get; init; } = [];

    /// <summary><c>SignatureThreshold=</c> (ours); null means unset (sysupdate.conf's, else 1).</summary>
    public int? SignatureThreshold { get; init; }

    public IReadOnlyList<string> ChangeLog { get; init; } = [];

    public IReadOnlyList<string> AppStream { get; init; } = [];

    public IReadOnlyList<string> Features { get; init; } = [];

    public IReadOnlyList<string> RequisiteFeatures { get; init; } = [];

    public Guid? PartitionUuid { get; init; }

    public ulong? PartitionFlags { get; init; }

    public bool? PartitionNoAuto { get; init; }

    public bool? PartitionGrowFileSystem { get; init; }

    /// <summary><c>PartitionZeroFill=</c> as written; null: the default for the target's partition type
    /// (see <see cref="Disk.GptPartitionTypes.ZeroFillByDefault"/>).</summary>
    public bool? PartitionZeroFill { get; init; }

    public bool? ReadOnly { get; init; }

    public uint? Mode { get; init; }

    public ulong? TriesLeft { get; init; }

    public ulong? TriesDone { get; init; }

    /// <summary>Effective <c>InstancesMax=</c>; <see cref="ulong.MaxValue"/> means unlimited.</summary>
    public required ulong InstancesMax { get; init; }

    public bool RemoveTemporary { get; init; } = true;

    public string? CurrentSymlink { get; init; }

    /// <summary>Whether the transfer takes part in updates, from <c>Features=</c>/<c>RequisiteFeatures=</c>.</summary>
    public bool Enabled { get; init; } = true;
}
