using SysUpdate.Core.Config;
using SysUpdate.Core.Disk;
using SysUpdate.Core.Instances;

namespace SysUpdate.Core.Planning;

/// <summary>
/// Removes instances. <see cref="RunAsync"/> is the <c>vacuum</c> verb (upstream's <c>context_vacuum</c>):
/// leftovers, partial and pending instances, the oldest unprotected instances beyond the limit, and
/// everything of disabled transfers. An update instead makes room in two steps so that a failed
/// download never costs an installed version where room allows: <see cref="BeforeAcquireAsync"/>
/// removes only what dead runs left (and, for a partition target without a free slot, one old
/// version, saying so), and <see cref="AfterInstallAsync"/> trims to the instance limit once the new
/// version is in place. Protected versions and the version being installed are never removed. All of
/// it runs under the run lock, so a partial here is never another live run's.
/// </summary>
internal static class Vacuum
{
    /// <summary>Space value meaning "remove everything" (disabled transfers).</summary>
    public const ulong WipeAll = ulong.MaxValue;

    public sealed record Result(int Removed, int DisabledTransfers);

    public static async Task<Result> RunAsync(UpdateContext context, ulong space, string? protectedVersion, CancellationToken cancellationToken = default)
    {
        if (space == 0)
            context.Logger.MakingRoom();
        else
            context.Logger.MakingRoomFor(space);

        int count = 0, disabled = 0;
        foreach (var transfer in context.Transfers)
        {
            // Nothing will be downloaded for a transfer that already has the version.
            if (protectedVersion is not null && transfer.FindTarget(protectedVersion) is not null)
                continue;
            count = Math.Max(count, await TransferAsync(context, transfer, space, protectedVersion, cancellationToken).ConfigureAwait(false));
        }
        disabled = await WipeDisabledAsync(context, cancellationToken).ConfigureAwait(false);
        CurrentSymlinkRepair.Run(context);
        return new Result(count, disabled);
    }

    public static string Summary(Result result) => (result.Removed, result.DisabledTransfers) switch
    {
        ( > 0, > 0) => $"Removed {result.Removed} instances, and {result.DisabledTransfers} disabled transfers.",
        ( > 0, _) => $"Removed {result.Removed} instances.",
        (_, > 0) => $"Removed {result.DisabledTransfers} disabled transfers.",
        _ => "Found nothing to remove.",
    };

    /// <summary>
    /// Before acquiring <paramref name="version"/>: removes temporaries and partial instances (left by
    /// dead runs: this run holds the lock), and for a partition target with no free slot left one
    /// pending or installed old version, logged first. Installed versions of file-system targets stay.
    /// </summary>
    public static async Task BeforeAcquireAsync(UpdateContext context, string version, CancellationToken cancellationToken = default)
    {
        foreach (var t in context.Transfers)
        {
            if (t.FindTarget(version) is not null)
                continue;
            t.Target.RemoveTemporary();
            foreach (var partial in t.TargetInstances.Where(i => i.IsPartial).ToList())
            {
                context.Logger.RemovingTemporaryInstance("partial", partial.Path, t.Target.Type.ToConfigString());
                await RemoveAsync(context, t, partial, cancellationToken).ConfigureAwait(false);
            }
            if (t.Target.Type != ResourceType.Partition)
                continue;

            CheckSlots(t, space: 1);
            while (t.EmptySlots == 0)
            {
                var victim = t.TargetInstances.Where(i => i.IsPending).LastOrDefault(i => !t.IsProtected(i.Version) && i.Version != version)
                    ?? Enumerable.Reverse(t.TargetInstances).FirstOrDefault(i => !t.IsProtected(i.Version) && i.Version != version);
                if (victim is null)
                    break; // ClaimSlot reports that no slot is free
                string where = victim.Partition is { } slot ? $"partition {slot.Number} '{slot.Label}'" : victim.Path;
                context.Logger.Warning($"No free slot in {t.Target.Location}: removing {(victim.IsPending ? "pending" : "installed")} version '{victim.Version}' ({where}) to make room.");
                await RemoveAsync(context, t, victim, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// After <paramref name="version"/> was installed: removes pending instances of other versions and
    /// the oldest unprotected instances so that, with the new one, at most <c>InstancesMax=</c> remain;
    /// then everything of disabled transfers.
    /// </summary>
    public static async Task AfterInstallAsync(UpdateContext context, string version, CancellationToken cancellationToken = default)
    {
        foreach (var t in context.Transfers)
        {
            foreach (var pending in t.TargetInstances.Where(i => i.IsPending && i.Version != version && !t.IsProtected(i.Version)).ToList())
            {
                context.Logger.RemovingTemporaryInstance("pending", pending.Path, t.Target.Type.ToConfigString());
                await RemoveAsync(context, t, pending, cancellationToken).ConfigureAwait(false);
            }
            ulong max = context.InstancesMax(t);
            if (max == ulong.MaxValue)
                continue;
            while ((ulong)t.TargetInstances.Count(i => i.Version != version) >= max)
            {
                var oldest = Enumerable.Reverse(t.TargetInstances).FirstOrDefault(i => !t.IsProtected(i.Version) && i.Version != version);
                if (oldest is null)
                    break;
                context.Logger.RemovingInstance("old", oldest.Path, t.Target.Type.ToConfigString());
                await RemoveAsync(context, t, oldest, cancellationToken).ConfigureAwait(false);
            }
        }
        await WipeDisabledAsync(context, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> WipeDisabledAsync(UpdateContext context, CancellationToken cancellationToken)
    {
        int disabled = 0;
        foreach (var transfer in context.DisabledTransfers)
        {
            if (await TransferAsync(context, transfer, WipeAll, null, cancellationToken).ConfigureAwait(false) > 0)
                disabled++;
        }
        return disabled;
    }

    public static async Task<int> TransferAsync(UpdateContext context, TransferRuntime t, ulong space, string? protectedVersion, CancellationToken cancellationToken)
    {
        var target = t.Target;
        target.RemoveTemporary();
        int count = 0;

        foreach (var instance in t.TargetInstances.Where(i => i.IsPartial || i.IsPending).ToList())
        {
            if (instance.IsPending && (t.IsProtected(instance.Version) || instance.Version == protectedVersion))
                continue;
            context.Logger.RemovingTemporaryInstance(instance.IsPartial ? "partial" : "pending", instance.Path, target.Type.ToConfigString());
            await RemoveAsync(context, t, instance, cancellationToken).ConfigureAwait(false);
            count++;
        }

        ulong max = context.InstancesMax(t);
        ulong limit;
        if (max == ulong.MaxValue)
            limit = ulong.MaxValue;
        else if (space == WipeAll)
            limit = 0;
        else if (space > max)
            throw new SysUpdateException("Asked to delete more instances than total maximum allowed number of instances, refusing.") { Errno = Errno.ENOSPC };
        else if (space == max)
            throw new SysUpdateException("Asked to delete all possible instances, can't allow that. One instance must always remain.") { Errno = Errno.ENOSPC };
        else
            limit = max - space;

        if (target.Type == ResourceType.Partition && space != WipeAll)
            limit = Math.Min(limit, CheckSlots(t, space));

        while ((ulong)t.TargetInstances.Count > limit)
        {
            // Oldest first, skipping protected versions.
            var oldest = Enumerable.Reverse(t.TargetInstances)
                .FirstOrDefault(i => !t.IsProtected(i.Version) && i.Version != protectedVersion);
            if (oldest is null)
                break;
            context.Logger.RemovingInstance(space == WipeAll ? "disabled" : "old", oldest.Path, target.Type.ToConfigString());
            await RemoveAsync(context, t, oldest, cancellationToken).ConfigureAwait(false);
            count++;
        }
        return count;
    }

    /// <summary>Refuses a partition table with too few slots for the operation; returns how many
    /// instances may stay so that <paramref name="space"/> slots are free.</summary>
    private static ulong CheckSlots(TransferRuntime t, ulong space)
    {
        ulong slots = (ulong)t.EmptySlots + (ulong)t.TargetInstances.Count;
        Guid type = t.Definition.Target.PartitionType ?? GptPartitionTypes.LinuxGeneric;
        string typeText = $"{type} ({GptPartitionTypes.ToConfigString(type)})";
        string patterns = string.Join('|', t.Definition.Target.Patterns.Select(p => p.Text));
        string where = $"{t.Target.Location}: ";
        if (slots < 2)
            throw new SysUpdateException($"{where}Partition table has less than two partition slots of the right type {typeText} and matching the expected pattern '{patterns}', refusing.") { Errno = Errno.ENOSPC };
        if (space > slots)
            throw new SysUpdateException($"{where}Partition table does not have enough partition slots of right type {typeText} and matching the expected pattern '{patterns}' for operation.") { Errno = Errno.ENOSPC };
        if (space == slots)
            throw new SysUpdateException($"{where}Asked to empty all partition table slots of the right type {typeText}, can't allow that. One instance must always remain.") { Errno = Errno.ENOSPC };
        ulong rm = space > (ulong)t.EmptySlots ? space - (ulong)t.EmptySlots : 0;
        ulong instances = (ulong)t.TargetInstances.Count;
        return instances > rm ? instances - rm : 0;
    }

    public static async Task RemoveAsync(UpdateContext context, TransferRuntime t, Instance instance, CancellationToken cancellationToken)
    {
        await t.Target.RemoveInstanceAsync(instance, cancellationToken).ConfigureAwait(false);
        t.TargetInstances.Remove(instance);
        if (t.Target.Type == ResourceType.Partition)
            t.EmptySlots++;
        if (instance.IsPartial)
            context.Verdicts.Clear(t.Target.Location, instance.Version);
    }
}
