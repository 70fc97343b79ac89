using System.Diagnostics;
using SysUpdate.Core.Config;
using SysUpdate.Core.Instances;
using SysUpdate.Core.Operations;
using SysUpdate.Core.Pipeline;
using SysUpdate.Core.Sources;
using SysUpdate.Core.Targets;
using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Planning;

/// <summary>
/// The acquire / install steps of <c>update</c>, <c>acquire</c> and <c>update --offline</c>:
/// every name is computed before anything is removed; only leftovers of dead runs (and, for a
/// partition target without a free slot, one old version) are removed before the download; each
/// transfer is acquired in file-name order and left pending; only then is each made visible, and
/// old versions beyond the limit are removed after that. Callers go through
/// <see cref="Operations.ChangeRunner"/>, which holds the lock and applies the cancellation rule.
/// </summary>
internal sealed class UpdateOperations(UpdateContext context, IProgress<TransferProgress>? progress = null, TimeProvider? clock = null)
{
    private readonly TransferRateEstimator _rate = new(clock ?? TimeProvider.System);

    /// <summary>Acquired (or found pending) and ready to install, with the names to install under.</summary>
    public sealed record Staged(UpdateSet Set, IReadOnlyList<PreparedInstall?> Prepared);

    /// <summary>The result of installing: the set, and per transfer the path it now lives at (null
    /// where nothing had to be installed).</summary>
    public sealed record Installed(UpdateSet Set, IReadOnlyList<string?> Paths);

    private UpdateSet? Select(string? version)
    {
        if (version is not null)
            return context.Plan.Find(version) ?? throw new VersionNotFoundException(version);
        if (context.Plan.Candidate is null)
            context.Logger.NoUpdateNeeded();
        return context.Plan.Candidate;
    }

    /// <summary>Downloads the selected version into the targets, leaving it pending.
    /// Returns null when there is nothing to install. Installed versions are only removed where a
    /// partition target has no free slot; the rest of the room is made at install time.</summary>
    public async Task<Staged?> AcquireAsync(string? version, CancellationToken cancellationToken = default)
    {
        CurrentSymlinkRepair.Run(context);
        var set = Select(version);
        if (set is null)
            return null;

        if (set.Has(UpdateSetFlags.Partial) || IsPendingButNeverAcquiredSomewhere(set))
            set = await RedoInterruptedAsync(set, cancellationToken).ConfigureAwait(false);

        if (set.Has(UpdateSetFlags.Incomplete))
            context.Logger.Repairing(set.Version);
        else if (set.Has(UpdateSetFlags.Pending))
        {
            context.Logger.AlreadyPending(set.Version);
            return await ProcessPendingAsync(set.Version, cancellationToken).ConfigureAwait(false);
        }
        else if (set.Has(UpdateSetFlags.Installed))
        {
            context.Logger.AlreadyInstalled(set.Version);
            return null;
        }

        if (!set.Has(UpdateSetFlags.Available))
            throw new SysUpdateException($"Selected update '{set.Version}' is not available, refusing.") { Errno = Errno.EINVAL };
        if (set.Has(UpdateSetFlags.Obsolete))
            throw new SysUpdateException($"Selected update '{set.Version}' is obsolete, refusing.") { Errno = Errno.EINVAL };
        if (set.Has(UpdateSetFlags.TooNew))
            throw new VersionTooNewException(set.Version);
        WarnIfOld(set);
        context.Logger.SelectedForInstall(set.Version);

        var transfers = context.Transfers;
        var metadata = new InstanceMetadata[transfers.Count];
        var prepared = new PreparedInstall?[transfers.Count];
        for (int i = 0; i < transfers.Count; i++)
        {
            var instance = set.Instances[i] ?? throw new UnreachableException("an available set has an instance for every transfer");
            if (IsTargetInstance(transfers[i], instance))
                continue;
            metadata[i] = TargetMetadata.Compile(transfers[i].Definition, instance);
            prepared[i] = transfers[i].Target.Prepare(metadata[i]);
        }

        Report(new TransferProgress(UpdatePhase.MakingRoom, set.Version, TransferCount: transfers.Count));
        await Vacuum.BeforeAcquireAsync(context, set.Version, cancellationToken).ConfigureAwait(false);

        for (int i = 0; i < transfers.Count; i++)
        {
            var transfer = transfers[i];
            var instance = set.Instances[i]!;
            if (prepared[i] is null)
                continue; // already present in an incomplete installation

            var existing = transfer.FindTarget(instance.Version);
            if (existing is { IsPartial: true } or { IsPending: true })
                throw new SysUpdateException($"Failed to acquire '{instance.Path}', instance is already partial or pending in the target.") { Errno = Errno.EINVAL };
            if (existing is not null)
            {
                context.Logger.NoNeedToAcquire(instance.Path);
                prepared[i] = null;
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            int index = i;
            _rate.Reset();
            Report(new TransferProgress(UpdatePhase.Acquiring, set.Version, transfer.Id, i, transfers.Count));
            context.Logger.Acquiring(instance.Path, prepared[i]!.FinalPath ?? prepared[i]!.Slot?.DeviceNode ?? transfer.Target.Location);
            try
            {
                await AcquireFromMirrorsAsync(transfer, prepared[i]!, instance, metadata[i],
                    p => ReportRead(set.Version, transfer.Id, index, transfers.Count, p, p.Total ?? (long?)instance.Metadata.Size),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HashMismatchException || ex.InnerException is HashMismatchException)
            {
                // The partial stays (as upstream) and now says why: the next run asks for a vacuum
                // instead of downloading the broken release again.
                context.Verdicts.RecordMismatch(transfer.Target.Location, set.Version, ex.Message);
                throw;
            }
            context.Verdicts.Clear(transfer.Target.Location, set.Version);
            context.Logger.Acquired(instance.Path);
        }
        return new Staged(set, prepared);
    }

    /// <summary>
    /// Writes the payload from the first mirror that serves it whole and verified (<see cref="IMirroredSource"/>; a source
    /// without mirrors has one). After a server's failure (<see cref="MirrorFaults.IsServerFault"/>) what that attempt
    /// left in the target — a partial file or a partial slot after a hash mismatch — is removed, so the next mirror
    /// writes into a fresh one; local failures (target full, read-back mismatch, cancellation) end at once. When every
    /// mirror failed, one line names each URL; the last attempt's partial stays, as without mirrors.
    /// </summary>
    private async Task AcquireFromMirrorsAsync(TransferRuntime transfer, PreparedInstall prepared, Instance instance, InstanceMetadata metadata,
        Action<PayloadProgress> onProgress, CancellationToken cancellationToken)
    {
        var mirrored = transfer.Source as IMirroredSource;
        var attempts = mirrored?.Alternatives(instance) ?? [instance];
        var failures = new List<SysUpdateException>();
        foreach (var attempt in attempts)
        {
            try
            {
                await transfer.Target.AcquireAsync(prepared, attempt, transfer.Source, metadata, onProgress, cancellationToken).ConfigureAwait(false);
                mirrored?.Worked(attempt);
                return;
            }
            catch (SysUpdateException ex) when (attempts.Count > 1 && MirrorFaults.IsServerFault(ex))
            {
                failures.Add(ex);
                if (failures.Count == attempts.Count)
                    throw new MirrorsExhaustedException(instance.Path[(instance.Path.LastIndexOf('/') + 1)..], failures);
                context.Logger.Warning($"{ex.Message}; trying the next mirror");
                await DiscardPartialAsync(transfer, instance.Version, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Removes the partial instance of <paramref name="version"/> a failed attempt left (found by reading the
    /// target again), freeing its slot.</summary>
    private async Task DiscardPartialAsync(TransferRuntime transfer, string version, CancellationToken cancellationToken)
    {
        var inventory = await transfer.Target.DiscoverAsync(cancellationToken).ConfigureAwait(false);
        transfer.TargetInstances = inventory.Instances.ToList();
        transfer.EmptySlots = inventory.EmptySlots;
        foreach (var partial in transfer.TargetInstances.Where(i => i.IsPartial && i.Version == version).ToList())
        {
            context.Logger.RemovingTemporaryInstance("partial", partial.Path, transfer.Target.Type.ToConfigString());
            await Vacuum.RemoveAsync(context, transfer, partial, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A run killed between transfers: pending in one target, absent from another.</summary>
    private bool IsPendingButNeverAcquiredSomewhere(UpdateSet set) =>
        set.Has(UpdateSetFlags.Pending) && set.Has(UpdateSetFlags.Available)
        && context.Transfers.Any(t => t.FindTarget(set.Version) is null);

    /// <summary>
    /// The selected version is partial somewhere, or pending in some targets and never acquired in
    /// others. This run holds the lock, so no live run owns the
    /// partial: with a recorded hash mismatch it stays and the user is told to vacuum (as upstream);
    /// otherwise a run was killed or cancelled, and its partial and pending pieces are removed so the
    /// version is acquired again.
    /// </summary>
    private async Task<UpdateSet> RedoInterruptedAsync(UpdateSet set, CancellationToken cancellationToken)
    {
        var transfers = context.Transfers;
        for (int i = 0; i < transfers.Count; i++)
        {
            if (set.Instances[i] is { IsPartial: true } && context.Verdicts.IsMismatch(transfers[i].Target.Location, set.Version))
                throw new PartiallyInstalledException(set.Version);
        }

        context.Logger.Info($"Update '{set.Version}' was left unfinished by an interrupted run; acquiring it again.");
        foreach (var transfer in transfers)
        {
            foreach (var leftover in transfer.TargetInstances.Where(i => (i.IsPartial || i.IsPending) && i.Version == set.Version).ToList())
            {
                context.Logger.RemovingTemporaryInstance(leftover.IsPartial ? "partial" : "pending", leftover.Path, transfer.Target.Type.ToConfigString());
                await Vacuum.RemoveAsync(context, transfer, leftover, cancellationToken).ConfigureAwait(false);
            }
        }
        context.Replan();
        return context.Plan.Find(set.Version)
            ?? throw new SysUpdateException($"Selected update '{set.Version}' is not available, refusing.") { Errno = Errno.EINVAL };
    }

    /// <summary>Finds the pending set (for <c>update --offline</c>, or after an earlier <c>acquire</c>)
    /// and computes the names to install it under.</summary>
    public Task<Staged?> ProcessPendingAsync(string? version, CancellationToken cancellationToken = default)
    {
        var set = Select(version);
        if (set is null)
            return Task.FromResult<Staged?>(null);

        if (set.Has(UpdateSetFlags.Incomplete))
            context.Logger.Repairing(set.Version);
        else if ((set.Flags & (UpdateSetFlags.Partial | UpdateSetFlags.Pending | UpdateSetFlags.Installed)) == UpdateSetFlags.Installed)
        {
            context.Logger.AlreadyInstalled(set.Version);
            return Task.FromResult<Staged?>(null);
        }
        if (set.Has(UpdateSetFlags.Partial))
            throw new SysUpdateException($"Selected update '{set.Version}' is only partially downloaded, refusing.") { Errno = Errno.EINVAL };
        if (!set.Has(UpdateSetFlags.Pending))
            throw new SysUpdateException($"Selected update '{set.Version}' is not pending installation, refusing.") { Errno = Errno.EINVAL };
        if (set.Has(UpdateSetFlags.Obsolete))
            throw new SysUpdateException($"Selected update '{set.Version}' is obsolete, refusing.") { Errno = Errno.EINVAL };
        if (set.Has(UpdateSetFlags.TooNew))
            throw new VersionTooNewException(set.Version);
        WarnIfOld(set);
        context.Logger.SelectedForInstall(set.Version);

        var transfers = context.Transfers;
        var prepared = new PreparedInstall?[transfers.Count];
        for (int i = 0; i < transfers.Count; i++)
        {
            var instance = set.Instances[i];
            if (instance is null)
                continue;
            var existing = transfers[i].FindTarget(instance.Version);
            if (existing is { IsPending: false })
            {
                context.Logger.AlreadyInTarget(instance.Path);
                continue;
            }
            // A run interrupted between transfers leaves some pending and this one never acquired: there
            // is nothing to install for it, so treat the set like a partial one.
            if (existing is null)
                throw new SysUpdateException($"Selected update '{set.Version}' is pending installation but was never acquired for '{transfers[i].Id}'. Vacuum it to try installing again.")
                { Errno = Errno.EUCLEAN };
            var metadata = TargetMetadata.Compile(transfers[i].Definition, instance);
            prepared[i] = transfers[i].Target.PrepareFromPending(existing, metadata);
        }
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<Staged?>(new Staged(set, prepared));
    }

    /// <summary>Makes a staged set visible: renames pending files, commits partitions, updates
    /// <c>CurrentSymlink=</c> and the install database.</summary>
    public async Task<Installed> InstallAsync(Staged staged, CancellationToken cancellationToken = default)
    {
        var set = staged.Set;
        var transfers = context.Transfers;
        var paths = new string?[transfers.Count];
        Report(new TransferProgress(UpdatePhase.Installing, set.Version, TransferCount: transfers.Count));
        for (int i = 0; i < transfers.Count; i++)
        {
            var prepared = staged.Prepared[i];
            if (prepared is null)
                continue;
            var transfer = transfers[i];
            var source = set.Instances[i];
            paths[i] = await transfer.Target.InstallAsync(prepared, cancellationToken).ConfigureAwait(false);
            context.Logger.InstalledInstance(source?.Path ?? paths[i]!, (source is not null && !IsTargetInstance(transfer, source)
                ? transfer.Definition.Source.Type : transfer.Definition.Target.Type).ToConfigString(), paths[i]!, transfer.Definition.Target.Type.ToConfigString());

            if (transfer.Definition.Target.Type.IsFileSystem())
                InstallDb.Record(context.Options.Root, context.Component, transfer.Target.Location,
                    transfer.Definition.Target.Patterns.Select(p => p.Text));

            if (transfer.Definition.CurrentSymlink is { } symlink)
            {
                var (link, target) = CurrentSymlink.Update(symlink, transfer.Target.Location, context.Options.Root, paths[i]!);
                context.Logger.UpdatedSymlink(link, target);
            }
        }
        // Old versions go only now that the new one is in place: a crash before this point leaves one
        // instance too many, never one too few.
        await Vacuum.AfterInstallAsync(context, set.Version, cancellationToken).ConfigureAwait(false);
        context.Logger.InstalledUpdate(set.Version);
        Report(new TransferProgress(UpdatePhase.Done, set.Version, TransferCount: transfers.Count));
        return new Installed(set, paths);
    }

    private void WarnIfOld(UpdateSet set)
    {
        if (!set.Has(UpdateSetFlags.Newest))
            context.Logger.NotNewest(set.Version);
        if (context.Plan.NewestInstalled is { } newest && VersionComparer.Compare(newest.Version, set.Version) > 0)
            context.Logger.OlderThanInstalled(set.Version);
        if (context.DowngradeFloor is { } floor && floor.Refuses(set.Version))
            context.Logger.OlderThanBooted(set.Version, floor.BootedVersion);
    }

    private static bool IsTargetInstance(TransferRuntime transfer, Instance instance) => transfer.TargetInstances.Contains(instance);

    private void Report(TransferProgress p) => progress?.Report(p);

    private void ReportRead(string version, string transferId, int index, int count, PayloadProgress read, long? total)
    {
        if (progress is null)
            return;
        var rate = _rate.Sample(read.Done, total);
        progress.Report(new TransferProgress(UpdatePhase.Acquiring, version, transferId, index, count,
            read.Done, total, rate.BytesPerSecond, read.Fetched, read.Reused, rate.Remaining));
    }
}
