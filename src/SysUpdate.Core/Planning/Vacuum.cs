using SysUpdate.Core.Config;
using SysUpdate.Core.Disk;
using SysUpdate.Core.Instances;

namespace SysUpdate.Core.Planning;

/// <summary>
/// Makes room: removes leftovers, partial and pending instances, and the oldest unprotected
/// instances beyond the limit (upstream's <c>transfer_vacuum</c> / <c>context_vacuum</c>).
/// Protected versions and the version being acquired are never removed.
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
        foreach (var transfer in context.DisabledTransfers)
        {
            if (await TransferAsync(context, transfer, WipeAll, null, cancellationToken).ConfigureAwait(false) > 0)
                disabled++;
        }
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
            await RemoveAsync(t, instance, cancellationToken).ConfigureAwait(false);
            count++;
        }

        ulong max = context.InstancesMax(t);
        ulong limit;
        if (max == ulong.MaxValue)
            limit = ulong.MaxValue;
        else if (space == WipeAll)
            limit = 0;
        else if (space > max)
            throw new SysUpdateException("Asked to delete more instances than total maximum allowed number of instances, refusing.") { ErrnoName = "ENOSPC" };
        else if (space == max)
            throw new SysUpdateException("Asked to delete all possible instances, can't allow that. One instance must always remain.") { ErrnoName = "ENOSPC" };
        else
            limit = max - space;

        if (target.Type == ResourceType.Partition && space != WipeAll)
            limit = Math.Min(limit, PartitionLimit(t, space));

        while ((ulong)t.TargetInstances.Count > limit)
        {
            // Oldest first, skipping protected versions.
            var oldest = Enumerable.Reverse(t.TargetInstances)
                .FirstOrDefault(i => !t.IsProtected(i.Version) && i.Version != protectedVersion);
            if (oldest is null)
                break;
            context.Logger.RemovingInstance(space == WipeAll ? "disabled" : "old", oldest.Path, target.Type.ToConfigString());
            await RemoveAsync(t, oldest, cancellationToken).ConfigureAwait(false);
            count++;
        }
        return count;
    }

    private static ulong PartitionLimit(TransferRuntime t, ulong space)
    {
        ulong slots = (ulong)t.EmptySlots + (ulong)t.TargetInstances.Count;
        Guid type = t.Definition.Target.PartitionType ?? GptPartitionTypes.LinuxGeneric;
        string typeText = $"{type} ({GptPartitionTypes.ToConfigString(type)})";
        string patterns = string.Join('|', t.Definition.Target.Patterns.Select(p => p.Text));
        string where = $"{t.Target.Location}: ";
        if (slots < 2)
            throw new SysUpdateException($"{where}Partition table has less than two partition slots of the right type {typeText} and matching the expected pattern '{patterns}', refusing.") { ErrnoName = "ENOSPC" };
        if (space > slots)
            throw new SysUpdateException($"{where}Partition table does not have enough partition slots of right type {typeText} and matching the expected pattern '{patterns}' for operation.") { ErrnoName = "ENOSPC" };
        if (space == slots)
            throw new SysUpdateException($"{where}Asked to empty all partition table slots of the right type {typeText}, can't allow that. One instance must always remain.") { ErrnoName = "ENOSPC" };
        ulong rm = space > (ulong)t.EmptySlots ? space - (ulong)t.EmptySlots : 0;
        ulong instances = (ulong)t.TargetInstances.Count;
        return instances > rm ? instances - rm : 0;
    }

    private static async Task RemoveAsync(TransferRuntime t, Instance instance, CancellationToken cancellationToken)
    {
        await t.Target.RemoveInstanceAsync(instance, cancellationToken).ConfigureAwait(false);
        t.TargetInstances.Remove(instance);
        if (t.Target.Type == ResourceType.Partition)
            t.EmptySlots++;
    }
}
