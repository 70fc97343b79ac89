namespace SysUpdate.Core.Planning;

/// <summary>The update sets found, newest first, with the candidate and the newest installed set.</summary>
internal sealed record UpdatePlan(IReadOnlyList<UpdateSet> UpdateSets, UpdateSet? Candidate, UpdateSet? NewestInstalled)
{
    /// <summary>The set that would have been the candidate but is older than the booted version
    /// (see <see cref="DowngradeFloor"/>); null when nothing was held back.</summary>
    public UpdateSet? HeldBackDowngrade { get; init; }

    /// <summary>Selects a set by an explicit version given by the user: exact string equality.</summary>
    public UpdateSet? Find(string version) => UpdateSets.FirstOrDefault(s => s.Version == version);

    /// <summary>Available versions this machine may not take yet, with the rollout entry that holds each back
    /// (see <see cref="RolloutGate"/>); they are offered only when named explicitly.</summary>
    public IReadOnlyDictionary<string, Manifests.RolloutEntry> HeldBack { get; init; } = new Dictionary<string, Manifests.RolloutEntry>();
}
