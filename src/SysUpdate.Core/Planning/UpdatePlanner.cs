using SysUpdate.Core.Instances;
using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Planning;

/// <summary>
/// Builds update sets from the instances of all enabled transfers, exactly as upstream's
/// <c>context_discover_update_sets_by_flag</c>: one pass over installed (target) instances, then —
/// unless offline — one over available (source) instances, walking versions newest to oldest.
/// A version is available only if every transfer's source has it; a version missing from some
/// target is installed but incomplete (never treated as absent). A version newer than a transfer's
/// <c>MaxVersion=</c> is too new: it is listed but never the newest available nor the candidate, so
/// the newest version within the bounds is offered instead. With a <see cref="DowngradeFloor"/>, a
/// candidate older than the booted version is held back.
/// </summary>
internal static class UpdatePlanner
{
    public static UpdatePlan Plan(IReadOnlyList<TransferInstances> transfers, bool offline, DowngradeFloor? floor = null)
    {
        var sets = new List<UpdateSet>();
        UpdateSet? candidate = null, newestInstalled = null;

        RunPass(transfers, UpdateSetFlags.Installed, sets, ref candidate, ref newestInstalled);
        if (!offline)
            RunPass(transfers, UpdateSetFlags.Available, sets, ref candidate, ref newestInstalled);

        sets.Sort((a, b) => VersionComparer.Compare(b.Version, a.Version));
        UpdateSet? heldBack = null;
        if (candidate is not null && floor is not null && floor.Refuses(candidate.Version))
            (heldBack, candidate) = (candidate, null);
        return new UpdatePlan(sets, candidate, newestInstalled) { HeldBackDowngrade = heldBack };
    }

    private static void RunPass(
        IReadOnlyList<TransferInstances> transfers,
        UpdateSetFlags pass,
        List<UpdateSet> sets,
        ref UpdateSet? candidate,
        ref UpdateSet? newestInstalled)
    {
        string? boundary = null;
        bool newestFound = false;
        int n = transfers.Count;

        // Each transfer's instances are newest first and the boundary only moves down, so one index per
        // transfer (its first instance older than the boundary) replaces upstream's rescan from the top:
        // the pass is linear in the number of instances, not quadratic.
        var older = new int[n];
        // Sets of the earlier pass are newest first too; the cursors of this pass meet them in order.
        int earlierSets = sets.Count;
        int nextEarlier = 0;

        while (true)
        {
            string? cursor = null;
            for (int k = 0; k < n; k++)
            {
                var instances = InstancesOf(transfers[k], pass);
                if (boundary is not null)
                {
                    while (older[k] < instances.Count && VersionComparer.Compare(instances[older[k]].Version, boundary) >= 0)
                        older[k]++;
                }
                if (older[k] < instances.Count)
                {
                    string version = instances[older[k]].Version;
                    if (cursor is null || VersionComparer.Compare(version, cursor) > 0)
                        cursor = version;
                }
                // A transfer without anything older than the boundary makes every older version
                // incomplete on the server, and incomplete versions are never offered.
                if (pass == UpdateSetFlags.Available && cursor is null)
                    break;
            }
            if (cursor is null)
                break;

            var matches = new Instance?[n];
            var extra = UpdateSetFlags.None;
            bool skip = false;
            for (int k = 0; k < n; k++)
            {
                var t = transfers[k];
                var match = NewestAt(InstancesOf(t, pass), older[k], cursor);
                if (pass == UpdateSetFlags.Available)
                {
                    if (match is null)
                    {
                        skip = true;
                        break;
                    }
                }
                else if (match is null && (extra & (UpdateSetFlags.Partial | UpdateSetFlags.Pending)) == 0)
                {
                    extra |= UpdateSetFlags.Incomplete;
                }
                matches[k] = match;

                extra |= VersionBounds.Of(t.Transfer).Classify(cursor);
                if (t.Transfer.ProtectVersions.Contains(cursor))
                    extra |= UpdateSetFlags.Protected;
                if (match is { IsPartial: true })
                    extra = (extra | UpdateSetFlags.Partial) & ~UpdateSetFlags.Incomplete;
                if (match is { IsPending: true })
                    extra = (extra | UpdateSetFlags.Pending) & ~UpdateSetFlags.Incomplete;
            }

            boundary = cursor;
            if (skip)
                continue;

            while (nextEarlier < earlierSets && VersionComparer.Compare(sets[nextEarlier].Version, cursor) > 0)
                nextEarlier++;
            var existing = nextEarlier < earlierSets && VersionComparer.Compare(sets[nextEarlier].Version, cursor) == 0
                ? sets[nextEarlier]
                : null;
            if (existing is not null)
            {
                if ((existing.Flags & (UpdateSetFlags.Incomplete | UpdateSetFlags.Partial | UpdateSetFlags.Pending)) != 0)
                    existing.FillMissing(matches);
                existing.Flags |= pass | extra;
                // The newest installed set is incomplete and now available: repair it, unless
                // something else is already the candidate.
                if (existing.Has(UpdateSetFlags.Newest | UpdateSetFlags.Installed | UpdateSetFlags.Incomplete | UpdateSetFlags.Available)
                    && candidate is null && (existing.Flags & (UpdateSetFlags.Obsolete | UpdateSetFlags.TooNew)) == 0)
                    candidate = existing;
                newestFound = true;
                continue;
            }

            // Among available versions, one beyond MaxVersion= does not count as the newest: the newest
            // one within the bounds is offered instead.
            bool countsAsNewest = pass == UpdateSetFlags.Installed || (extra & UpdateSetFlags.TooNew) == 0;
            var set = new UpdateSet(cursor, pass | (newestFound || !countsAsNewest ? 0 : UpdateSetFlags.Newest) | extra, matches);
            sets.Add(set);
            newestFound |= countsAsNewest;

            if (set.Has(UpdateSetFlags.Newest | UpdateSetFlags.Installed))
                newestInstalled = set;
            if ((set.Flags & (UpdateSetFlags.Newest | UpdateSetFlags.Installed | UpdateSetFlags.Available | UpdateSetFlags.Obsolete | UpdateSetFlags.TooNew))
                == (UpdateSetFlags.Newest | UpdateSetFlags.Available))
                candidate = set;
        }

        if (newestInstalled is not null && !newestInstalled.Has(UpdateSetFlags.Incomplete)
            && candidate is not null && VersionComparer.Compare(newestInstalled.Version, candidate.Version) >= 0)
            candidate = null;

        if (newestInstalled is not null && (newestInstalled.Flags & (UpdateSetFlags.Pending | UpdateSetFlags.Partial)) != 0
            && !newestInstalled.Has(UpdateSetFlags.TooNew) && candidate is null)
            candidate = newestInstalled;
    }

    /// <summary>
    /// <see cref="InstanceOrder.FindByVersion"/> for a list whose entries before <paramref name="first"/> are
    /// all newer than <paramref name="version"/> and whose entry at <paramref name="first"/> is not newer.
    /// </summary>
    private static Instance? NewestAt(IReadOnlyList<Instance> newestFirst, int first, string version) =>
        first < newestFirst.Count && VersionComparer.Compare(newestFirst[first].Version, version) == 0 ? newestFirst[first] : null;

    private static IReadOnlyList<Instance> InstancesOf(TransferInstances t, UpdateSetFlags pass) =>
        pass == UpdateSetFlags.Installed ? t.Targets : t.Sources;
}
