using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using SysUpdate.Core.Manifests;

namespace SysUpdate.Core.Planning;

/// <summary>
/// Holds back versions whose staged rollout (<see cref="RolloutEntry"/>) does not include this machine yet.
/// A machine's place in the fleet for a version is its bucket, SHA-256("&lt;machine-id&gt;:&lt;version&gt;")'s first
/// 8 bytes as a big-endian integer modulo 10,000; it takes the version when the bucket is below the share in basis
/// points. The bucket never changes, so raising the share only adds machines; a new version reshuffles the fleet so
/// the same machines are not always first. Sets already started here (installed, partial, pending) are never held.
/// </summary>
internal sealed class RolloutGate
{
    private readonly string? _machineId;

    /// <param name="machineId">The machine's ID (32 hex digits), or null when it has none; it then takes a
    /// version only once it is rolled out to everybody.</param>
    public RolloutGate(string? machineId)
    {
        _machineId = machineId;
    }

    /// <summary>
    /// The gate for one run: the machine ID below <c>--root</c>, <paramref name="options"/>' policy (else
    /// <c>SYSTEMD_SYSUPDATE_ROLLOUT</c>, else honour). Returns <paramref name="plan"/> gated, or as is when ignored.
    /// </summary>
    public static UpdatePlan ForRun(UpdatePlan plan, SysUpdateOptions options, Config.HostIdentity host, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(host);
        if (RolloutPolicyText.Resolve(options.Rollout, options.Environment) == RolloutPolicy.Ignore)
            return plan;
        string? machineId = NormalizeMachineId(host.MachineId);
        var gated = new RolloutGate(machineId).Apply(plan, logger);
        if (machineId is null && gated.HeldBack.Count > 0)
            logger.NoMachineId(Path.Combine(host.Root, "etc/machine-id"));
        return gated;
    }

    /// <summary>The machine ID as <c>/etc/machine-id</c> holds it, lowercased; null for anything that is not 32 hex
    /// digits (missing, empty, or "uninitialized" on a first boot).</summary>
    public static string? NormalizeMachineId(string? text)
    {
        if (text is null)
            return null;
        string trimmed = text.Trim();
        return trimmed.Length == 32 && trimmed.AsSpan().ContainsAnyExcept("0123456789abcdefABCDEF") is false
            ? trimmed.ToLowerInvariant()
            : null;
    }

    /// <summary>This machine's bucket for <paramref name="version"/>, in [0, 10000).</summary>
    public static int Bucket(string machineId, string version)
    {
        ArgumentNullException.ThrowIfNull(machineId);
        ArgumentNullException.ThrowIfNull(version);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(machineId + ":" + version), digest);
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(digest) % RolloutEntry.AllBasisPoints);
    }

    public bool Admits(RolloutEntry rollout)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        if (rollout.BasisPoints >= RolloutEntry.AllBasisPoints)
            return true;
        return _machineId is not null && Bucket(_machineId, rollout.Version) < rollout.BasisPoints;
    }

    /// <summary>The tightest rollout any transfer's manifest gives the set's version, or null when none does.</summary>
    public static RolloutEntry? RolloutOf(UpdateSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        RolloutEntry? tightest = null;
        foreach (var instance in set.Instances)
        {
            if (instance?.Rollout is { } r && (tightest is null || r.BasisPoints < tightest.BasisPoints))
                tightest = r;
        }
        return tightest;
    }

    /// <summary>
    /// Marks the available sets this machine may not take yet and, when the candidate is one of them, offers the
    /// newest older set that is neither held nor already installed instead (or nothing). Older sets never pass a
    /// bound the candidate passed, so this composes with filters that chose the candidate.
    /// </summary>
    public UpdatePlan Apply(UpdatePlan plan, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var held = new Dictionary<string, RolloutEntry>(StringComparer.Ordinal);
        foreach (var set in plan.UpdateSets)
        {
            if (!set.Has(UpdateSetFlags.Available) || (set.Flags & (UpdateSetFlags.Installed | UpdateSetFlags.Partial | UpdateSetFlags.Pending)) != 0)
                continue;
            if (RolloutOf(set) is { } rollout && !Admits(rollout))
                held[set.Version] = rollout;
        }
        if (held.Count == 0)
            return plan;

        var candidate = plan.Candidate;
        if (candidate is not null && held.TryGetValue(candidate.Version, out var binding))
        {
            logger?.HeldBack(candidate.Version, binding.PercentText);
            candidate = OlderFallback(plan, candidate, held);
        }
        return plan with { Candidate = candidate, HeldBack = held };
    }

    private static UpdateSet? OlderFallback(UpdatePlan plan, UpdateSet heldCandidate, Dictionary<string, RolloutEntry> held)
    {
        int start = -1;
        for (int i = 0; i < plan.UpdateSets.Count; i++)
        {
            if (ReferenceEquals(plan.UpdateSets[i], heldCandidate))
            {
                start = i + 1;
                break;
            }
        }
        if (start < 0)
            return null;
        const UpdateSetFlags Excluded = UpdateSetFlags.Installed | UpdateSetFlags.Partial | UpdateSetFlags.Pending
            | UpdateSetFlags.Incomplete | UpdateSetFlags.Obsolete | UpdateSetFlags.TooNew;
        for (int i = start; i < plan.UpdateSets.Count; i++)
        {
            var set = plan.UpdateSets[i];
            if (plan.NewestInstalled is { } installed && Versions.VersionComparer.Compare(set.Version, installed.Version) <= 0)
                return null;
            if (set.Has(UpdateSetFlags.Available) && (set.Flags & Excluded) == 0 && !held.ContainsKey(set.Version))
                return set;
        }
        return null;
    }
}
