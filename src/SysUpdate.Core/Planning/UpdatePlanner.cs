using SysUpdate.Core.Instances;
using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Planning;

/// <summary>
/// Builds update sets from the instances of all enabled transfers, exactly as upstream's
/// <c>context_discover_update_sets_by_flag</c>: one pass over installed (target) instances, then —
/// unless offline — one over available (source) instances, walking versions newest to oldest.
/// A version is available only if every transfer's source has it; a version missing from some
/// target is installed but incomplete (never treated as absent).
/// </summary>
internal static class UpdatePlanner
{
    public static UpdatePlan Plan(IReadOnlyList<TransferInstances> transfers, bool offline)
    {
        var sets = new List<UpdateSet>();
        UpdateSet? candidate = null, newestInstalled = null;

        RunPass(transfers, UpdateSetFlags.Installed, sets, ref candidate, ref newestInstalled);
        if (!offline)
            RunPass(transfers, UpdateSetFlags.Available, sets, ref candidate, ref newestInstalled);

        sets.Sort((a, b) => VersionComparer.Compare(b.Version, a.Version));
        return new UpdatePlan(sets, candidate, newestInstalled);
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

        while (true)
        {
            string? cursor = null;
            foreach (var t in transfers)
            {
                foreach (var instance in InstancesOf(t, pass))
                {
                    if (boundary is not null && VersionComparer.Compare(instance.Version, boundary) >= 0)
                        continue;
                    if (cursor is not null && VersionComparer.Compare(instance.Version, cursor) <= 0)
                        break;
                    cursor = instance.Version;
                    break;
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
                var match = InstanceOrder.FindByVersion(InstancesOf(t, pass), cursor);
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

                if (t.Transfer.MinVersion is { } min && VersionComparer.Compare(min, cursor) > 0)
                    extra |= UpdateSetFlags.Obsolete;
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

            var existing = sets.FirstOrDefault(s => VersionComparer.Compare(s.Version, cursor) == 0);
            if (existing is not null)
            {
                if ((existing.Flags & (UpdateSetFlags.Incomplete | UpdateSetFlags.Partial | UpdateSetFlags.Pending)) != 0)
                    existing.FillMissing(matches);
                existing.Flags |= pass | extra;
                // The newest installed set is incomplete and now available: repair it, unless
                // something else is already the candidate.
                if (existing.Has(UpdateSetFlags.Newest | UpdateSetFlags.Installed | UpdateSetFlags.Incomplete | UpdateSetFlags.Available)
                    && candidate is null && !existing.Has(UpdateSetFlags.Obsolete))
                    candidate = existing;
                newestFound = true;
                continue;
            }

            var set = new UpdateSet(cursor, pass | (newestFound ? 0 : UpdateSetFlags.Newest) | extra, matches);
            sets.Add(set);
            newestFound = true;

            if (set.Has(UpdateSetFlags.Newest | UpdateSetFlags.Installed))
                newestInstalled = set;
            if ((set.Flags & (UpdateSetFlags.Newest | UpdateSetFlags.Installed | UpdateSetFlags.Available | UpdateSetFlags.Obsolete))
                == (UpdateSetFlags.Newest | UpdateSetFlags.Available))
                candidate = set;
        }

        if (newestInstalled is not null && !newestInstalled.Has(UpdateSetFlags.Incomplete)
            && candidate is not null && VersionComparer.Compare(newestInstalled.Version, candidate.Version) >= 0)
            candidate = null;

        if (newestInstalled is not null && (newestInstalled.Flags & (UpdateSetFlags.Pending | UpdateSetFlags.Partial)) != 0
            && candidate is null)
            candidate = newestInstalled;
    }

    private static IReadOnlyList<Instance> InstancesOf(TransferInstances t, UpdateSetFlags pass) =>
        pass == UpdateSetFlags.Installed ? t.Targets : t.Sources;
}
