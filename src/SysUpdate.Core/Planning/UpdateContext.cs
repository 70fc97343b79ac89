using Microsoft.Extensions.Logging;
using SysUpdate.Core.Config;
using SysUpdate.Core.Locking;
using SysUpdate.Core.Operations;
using SysUpdate.Core.Sources;

namespace SysUpdate.Core.Planning;

/// <summary>
/// One definitions set loaded for a run: the definitions, a runtime per transfer with the instances
/// found, and (once discovered) the update plan. Built by <see cref="LoadOfflineAsync"/> (targets
/// only) and completed by <see cref="DiscoverAsync"/> (sources, unless offline, then planning).
/// A context loaded with <see cref="LoadRequirements.LockTargets"/> holds the run lock of every target
/// until it is disposed, and read what is installed only after taking it.
/// </summary>
internal sealed class UpdateContext : IDisposable
{
    private readonly UrlSourceServices _urls;

    private UpdateContext(SysUpdateOptions options, HostIdentity host, Definitions definitions,
        IReadOnlyList<TransferRuntime> transfers, IReadOnlyList<TransferRuntime> disabled, ILogger logger, UrlSourceServices urls, RunLockSet? locks)
    {
        _urls = urls;
        Locks = locks;
        Verdicts = new HashVerdicts(options.Root);
        Options = options;
        Host = host;
        Definitions = definitions;
        Transfers = transfers;
        DisabledTransfers = disabled;
        Logger = logger;
    }

    public SysUpdateOptions Options { get; }

    public HostIdentity Host { get; }

    public Definitions Definitions { get; }

    /// <summary>Enabled transfers, in file-name order.</summary>
    public IReadOnlyList<TransferRuntime> Transfers { get; }

    public IReadOnlyList<TransferRuntime> DisabledTransfers { get; }

    public ILogger Logger { get; }

    public UpdatePlan Plan { get; private set; } = new([], null, null);

    public string? Component => Options.Component;

    /// <summary>The run locks held (null for a read-only context).</summary>
    public RunLockSet? Locks { get; }

    /// <summary>Why partial instances exist (hash mismatch or an interrupted run).</summary>
    public HashVerdicts Verdicts { get; }

    public static async Task<UpdateContext> LoadOfflineAsync(
        SysUpdateOptions options, LoadRequirements requirements, ILogger logger, CancellationToken cancellationToken = default)
    {
        var host = new HostIdentity(options.Root);
        var definitionOptions = new DefinitionOptions
        {
            Root = options.Root,
            DefinitionsDirectory = options.DefinitionsDirectory,
            Component = options.Component,
            TransferSource = options.TransferSource,
            Server = new UpdateServer(options.Root, options.Server, options.Environment),
        };
        var definitions = DefinitionLoader.Load(definitionOptions, host);
        foreach (var diagnostic in definitions.Diagnostics)
            logger.ConfigWarning(diagnostic.ToString());

        int enabled = definitions.EnabledTransfers.Count();
        int all = definitions.Transfers.Count;
        if (requirements.HasFlag(LoadRequirements.AnyTransfers)
            && (requirements.HasFlag(LoadRequirements.EnabledTransfers) ? enabled : all) == 0)
        {
            throw new NoDefinitionsException(options.Component);
        }
        if (requirements.HasFlag(LoadRequirements.EnabledComponent) && definitions.Component is { Enabled: false } disabledComponent)
            throw new ComponentDisabledException(disabledComponent.Name);

        var urls = new UrlSourceServices(options, logger,
            definitions.EnabledTransfers.Select(t => t.Source.RateLimit).Where(limit => limit is > 0).Min());
        var factory = new ResourceFactory(options, new ResourcePathResolver(options.Root, options.TransferSource, options.Environment),
            urls, message => logger.Warning(message), message => logger.Info(message));
        List<TransferRuntime> runtimes;
        RunLockSet? locks = null;
        try
        {
            runtimes = definitions.Transfers
                .Select(t => new TransferRuntime(t, factory.CreateSource(t), factory.CreateTarget(t)))
                .ToList();

            if (requirements.HasFlag(LoadRequirements.LockTargets))
            {
                locks = await RunLockSet.AcquireAsync(options.LockDirectory ?? RunLockDirectory.Default,
                    runtimes.SelectMany(r => RunLockKey.For(r.Target)), options.LockWait, cancellationToken).ConfigureAwait(false);
            }

            logger.DiscoveringInstalled();
            foreach (var runtime in runtimes)
            {
                var inventory = await runtime.Target.DiscoverAsync(cancellationToken).ConfigureAwait(false);
                runtime.TargetInstances = inventory.Instances.ToList();
                runtime.EmptySlots = inventory.EmptySlots;
            }
        }
        catch
        {
            locks?.Dispose();
            urls.Dispose();
            throw;
        }

        return new UpdateContext(options, host, definitions,
            runtimes.Where(r => r.Definition.Enabled).ToList(),
            runtimes.Where(r => !r.Definition.Enabled).ToList(),
            logger, urls, locks);
    }

    /// <summary>Loads targets, then (unless offline) sources, then plans.</summary>
    public static async Task<UpdateContext> LoadOnlineAsync(
        SysUpdateOptions options, LoadRequirements requirements, ILogger logger, CancellationToken cancellationToken = default)
    {
        var context = await LoadOfflineAsync(options, requirements, logger, cancellationToken).ConfigureAwait(false);
        try
        {
            await context.DiscoverAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            context.Dispose();
            throw;
        }
        return context;
    }

    public async Task DiscoverAsync(CancellationToken cancellationToken = default)
    {
        if (!Options.Offline)
        {
            Logger.DiscoveringAvailable();
            foreach (var runtime in Transfers)
                runtime.SourceInstances = await runtime.Source.DiscoverAsync(cancellationToken).ConfigureAwait(false);
        }
        Replan();
    }

    /// <summary>Recomputes update sets from the instances currently known.</summary>
    public void Replan()
    {
        Logger.DeterminingInstalled();
        if (!Options.Offline)
            Logger.DeterminingAvailable();
        var floor = DowngradeFloor;
        Plan = RolloutGate.ForRun(UpdatePlanner.Plan(Transfers.Select(t => t.Snapshot()).ToList(), Options.Offline, floor), Options, Host, Logger);
        if (Plan.HeldBackDowngrade is { } held && floor is not null)
            Logger.DowngradeHeldBack(held.Version, floor.BootedVersion);
    }

    /// <summary>The booted version no automatic choice goes below: the host's <c>IMAGE_VERSION=</c>.
    /// A component is versioned on its own, so it has none.</summary>
    public DowngradeFloor? DowngradeFloor =>
        Component is null && Host.OsRelease("IMAGE_VERSION") is { Length: > 0 } booted ? new DowngradeFloor(booted) : null;

    /// <summary>Plans from installed instances only (for <c>pending</c>/<c>reboot</c>).</summary>
    public void PlanInstalledOnly()
    {
        Logger.DeterminingInstalled();
        Plan = UpdatePlanner.Plan(Transfers.Select(t => t.Snapshot()).ToList(), offline: true);
    }

    public void Dispose()
    {
        _urls.Dispose();
        Locks?.Dispose();
    }

    /// <summary>The effective instance limit of a transfer.</summary>
    public ulong InstancesMax(TransferRuntime transfer) => Options.InstancesMax ?? transfer.Definition.InstancesMax;
}
