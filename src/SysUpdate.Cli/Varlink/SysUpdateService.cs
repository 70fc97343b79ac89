using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using SysUpdate.Cli.Commands.Features;
using SysUpdate.Cli.Jobs;
using SysUpdate.Cli.Notify;
using SysUpdate.Cli.Varlink.Authorization;
using SysUpdate.Core;
using SysUpdate.Core.Config;
using SysUpdate.Core.Operations;
using SysUpdate.Core.Pipeline;
using SysUpdate.Core.Planning;
using SysUpdate.Varlink;
using SysUpdate.Varlink.Server;

namespace SysUpdate.Cli.Varlink;

/// <summary>
/// The handlers of <c>io.systemd.SysUpdate</c>, running the engine in-process. Who may do what comes
/// from the caller's SO_PEERCRED: root may do everything, anyone else what polkit grants them
/// (<see cref="CallerAuthorizer"/>; the rule per method ends io.systemd.SysUpdate.varlink). The engine's operations core does the work
/// (<see cref="ChangeRunner"/>, <see cref="Core.Planning.Vacuum"/>, <see cref="FeatureDropIn"/>); a change
/// takes the run lock of its targets, shared with every other process (the socket unit is
/// <c>Accept=yes</c>), without waiting: a target another run holds gets <c>Busy</c> at once (with the id of the job holding it). Every change is a job
/// of the root's job store (see SysUpdateService.Jobs.cs); a closed connection cancels an attached job
/// through the call's token, up to the install step, while a detached one runs on. Every loaded
/// context is disposed when its call ends.
/// </summary>
internal sealed partial class SysUpdateService(SysUpdateOptions baseOptions, ILogger logger)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    private readonly CallerAuthorizer _authorizer = new(new PolkitAuthority(SystemBusAddress.FromEnvironment()), logger);

    public VarlinkInterfaceRegistration CreateRegistration() => MapJobMethods(
        new VarlinkInterfaceRegistration(SysUpdateInterface.Description)
            .Map("ListTargets", (call, ct) => Guard(call, () => ListTargetsAsync(call, ct)))
            .Map("ListFeatures", (call, ct) => Guard(call, () => ListFeaturesAsync(call, ct)))
            .Map("CheckNew", (call, ct) => Guard(call, () => CheckNewAsync(call, ct)))
            .Map("ListVersions", (call, ct) => Guard(call, () => ListVersionsAsync(call, ct)))
            .Map("Describe", (call, ct) => Guard(call, () => DescribeAsync(call, ct)))
            .Map("GetVersion", (call, ct) => Guard(call, () => GetVersionAsync(call, ct)))
            .Map("GetTargetState", (call, ct) => Guard(call, () => GetTargetStateAsync(call, ct)))
            .Map("Acquire", (call, ct) => Guard(call, () => ChangeAsync(call, ChangeOperation.Acquire, ct)))
            .Map("Install", (call, ct) => Guard(call, () => ChangeAsync(call, ChangeOperation.Install, ct)))
            .Map("Update", (call, ct) => Guard(call, () => ChangeAsync(call, ChangeOperation.Update, ct)))
            .Map("Vacuum", (call, ct) => Guard(call, () => VacuumAsync(call, ct)))
            .Map("SetFeatureEnabled", (call, ct) => Guard(call, () => SetFeatureEnabledAsync(call, ct))));

    /// <summary>The targets: host when it has transfer definitions, then every component (none with --definitions).</summary>
    public IReadOnlyList<TargetId> EnumerateTargets()
    {
        var targets = new List<TargetId>();
        var host = DefinitionLoader.Load(
            new DefinitionOptions { Root = baseOptions.Root, DefinitionsDirectory = baseOptions.DefinitionsDirectory },
            new HostIdentity(baseOptions.Root));
        if (host.Transfers.Count > 0)
            targets.Add(TargetId.Host);
        if (baseOptions.DefinitionsDirectory is null)
        {
            foreach (var component in DefinitionLoader.EnumerateComponents(baseOptions.Root).Order(StringComparer.Ordinal))
                targets.Add(new TargetId(TargetId.ComponentClass, component));
        }
        return targets;
    }

    private Task ListTargetsAsync(VarlinkCall call, CancellationToken ct)
    {
        var targets = EnumerateTargets();
        return call.ReplyAsync(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("targets");
            foreach (var target in targets)
            {
                w.WriteStartObject();
                w.WritePropertyName("id");
                target.WriteJson(w);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }, cancellationToken: ct).AsTask();
    }

    private async Task ListFeaturesAsync(VarlinkCall call, CancellationToken ct)
    {
        var options = OptionsFor(TargetId.FromParameters(call.Parameters), offline: true);
        using var context = await LoadAsync(options, LoadRequirements.AnyTransfers, online: false, ct).ConfigureAwait(false);
        var definitions = context.Definitions;
        await call.ReplyAsync(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("features");
            foreach (var feature in definitions.Features)
            {
                var suggested = SuggestConditions.Evaluate(feature.Suggest, feature.SuggestConditions, context.Host);
                FeatureJson.Write(w, feature, suggested, FeaturesCommand.TransfersOf(definitions, feature.Id));
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }, cancellationToken: ct).ConfigureAwait(false);
    }

    private async Task CheckNewAsync(VarlinkCall call, CancellationToken ct)
    {
        var target = TargetId.FromParameters(call.Parameters);
        var options = OptionsFor(target, offline: false);
        await AuthorizeAsync(call, PolkitAction.Check, PolkitDetails(target, ("offline", "0")), ct).ConfigureAwait(false);
        using var context = await LoadAsync(options, LoadRequirements.EnabledTransfers | LoadRequirements.AnyTransfers, online: true, ct).ConfigureAwait(false);
        var candidate = context.Plan.Candidate ?? throw new VarlinkErrorException(SysUpdateInterface.NoUpdateNeeded);
        await call.ReplyAsync(w =>
        {
            w.WriteStartObject();
            w.WriteString("available", candidate.Version);
            w.WriteEndObject();
        }, cancellationToken: ct).ConfigureAwait(false);
    }

    private async Task ListVersionsAsync(VarlinkCall call, CancellationToken ct)
    {
        var target = TargetId.FromParameters(call.Parameters);
        var options = OptionsFor(target, OptionalBool(call.Parameters, "offline") ?? false);
        await AuthorizeOnlineReadAsync(call, target, options.Offline, ct).ConfigureAwait(false);
        using var context = await LoadAsync(options, LoadRequirements.EnabledTransfers | LoadRequirements.AnyTransfers, online: true, ct).ConfigureAwait(false);
        var sets = context.Plan.UpdateSets;
        var current = sets.LastOrDefault(s => s.Has(UpdateSetFlags.Installed | UpdateSetFlags.Newest));
        var appstream = AppStreamUrls(context);
        await call.ReplyAsync(w =>
        {
            w.WriteStartObject();
            if (current is not null)
                w.WriteString("current", current.Version);
            w.WriteBoolean("currentIsPending", current is not null && current.Has(UpdateSetFlags.Pending));
            w.WriteStartArray("versions");
            foreach (var set in sets)
                SysUpdateJson.WriteVersion(w, set);
            w.WriteEndArray();
            SysUpdateJson.WriteStrings(w, "appstreamUrls", appstream);
            w.WriteEndObject();
        }, cancellationToken: ct).ConfigureAwait(false);
    }

    private async Task DescribeAsync(VarlinkCall call, CancellationToken ct)
    {
        var target = TargetId.FromParameters(call.Parameters);
        var options = OptionsFor(target, OptionalBool(call.Parameters, "offline") ?? false);
        string version = call.Parameters.GetProperty("version").GetString()!;
        await AuthorizeOnlineReadAsync(call, target, options.Offline, ct).ConfigureAwait(false);
        using var context = await LoadAsync(options, LoadRequirements.EnabledTransfers | LoadRequirements.AnyTransfers, online: true, ct).ConfigureAwait(false);
        var set = context.Plan.Find(version) ?? throw NoSuchVersion(version);
        var changelogs = ChangelogUrls(context, version);
        await call.ReplyAsync(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("version");
            SysUpdateJson.WriteVersion(w, set);
            SysUpdateJson.WriteStrings(w, "changelogUrls", changelogs);
            w.WriteStartArray("contents");
            for (int i = 0; i < set.Instances.Count; i++)
            {
                if (set.Instances[i] is { } instance)
                    SysUpdateJson.WriteContent(w, context.Transfers[i], instance);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }, cancellationToken: ct).ConfigureAwait(false);
    }

    private async Task GetVersionAsync(VarlinkCall call, CancellationToken ct)
    {
        var options = OptionsFor(TargetId.FromParameters(call.Parameters), offline: true);
        using var context = await LoadAsync(options, LoadRequirements.EnabledTransfers | LoadRequirements.AnyTransfers, online: true, ct).ConfigureAwait(false);
        string? version = context.Plan.NewestInstalled?.Version;
        await call.ReplyAsync(w =>
        {
            w.WriteStartObject();
            if (version is not null)
                w.WriteString("version", version);
            w.WriteEndObject();
        }, cancellationToken: ct).ConfigureAwait(false);
    }

    private async Task ChangeAsync(VarlinkCall call, ChangeOperation change, CancellationToken ct)
    {
        var target = TargetId.FromParameters(call.Parameters);
        var options = OptionsFor(target, offline: change == ChangeOperation.Install);
        string? version = OptionalString(call.Parameters, "version");
        await AuthorizeAsync(call, version is null ? PolkitAction.Update : PolkitAction.UpdateToVersion,
            PolkitDetails(target, ("version", version ?? ""), ("offline", change == ChangeOperation.Install ? "1" : "0")), ct).ConfigureAwait(false);

        bool detached = OptionalBool(call.Parameters, "detached") ?? false;
        var queue = call.More ? new VarlinkProgressQueue() : null;
        var job = await StartJobAsync(call, JobTypeOf(change), target, version, detached, ct).ConfigureAwait(false);
        long jobId = job.Id;
        var progress = new ProgressTee(job, queue);
        var locked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<string?> run = RunJobAsync(job, token => RunChangeAsync(options, change, version, progress, locked, token), JobEnd.ForVersion);
        if (detached)
            RunDetached(jobId, run);
        if (queue is null && detached)
        {
            // Reply once the job holds its targets, so a busy target is still answered with Busy.
            if (await Task.WhenAny(run, locked.Task).ConfigureAwait(false) == run)
                await run.ConfigureAwait(false);
            await call.ReplyAsync(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("jobId", jobId);
                w.WriteEndObject();
            }, cancellationToken: ct).ConfigureAwait(false);
            return;
        }

        // An attached job ends with its client; a detached one only stops sending it progress.
        Task pump = queue is null ? Task.CompletedTask : PumpProgressAsync(call, queue.Reader, detached ? null : job, jobId, ct);
        string? result;
        try
        {
            result = await run.ConfigureAwait(false);
        }
        finally
        {
            queue?.Complete();
            await pump.ConfigureAwait(false);
        }

        if (result is null)
            throw new VarlinkErrorException(SysUpdateInterface.NoUpdateNeeded);
        await call.ReplyAsync(w =>
        {
            w.WriteStartObject();
            w.WriteString("version", result);
            w.WriteEndObject();
        }, cancellationToken: ct).ConfigureAwait(false);
    }

    /// <summary>Runs the engine; returns the acquired or installed version, null when there was nothing to do.</summary>
    private async Task<string?> RunChangeAsync(SysUpdateOptions options, ChangeOperation change, string? version, IProgress<TransferProgress> progress,
        TaskCompletionSource locked, CancellationToken ct)
    {
        using var context = await LoadAsync(options, ChangeRunner.Requirements, online: true, ct).ConfigureAwait(false);
        locked.TrySetResult();
        var outcome = await ChangeRunner.RunAsync(context, change, version, progress, ct).ConfigureAwait(false);
        if (outcome.Installed is { } installed && !options.RootIsExplicit)
            await CompletedUpdateNotifier.NotifyAsync(context, installed, logger, CancellationToken.None).ConfigureAwait(false);
        return outcome.Set?.Version;
    }

    private async Task VacuumAsync(VarlinkCall call, CancellationToken ct)
    {
        var target = TargetId.FromParameters(call.Parameters);
        await AuthorizeAsync(call, PolkitAction.Vacuum, PolkitDetails(target), ct).ConfigureAwait(false);
        var options = OptionsFor(target, offline: true);
        var job = await StartJobAsync(call, JobType.Vacuum, target, null, detached: false, ct).ConfigureAwait(false);
        var result = await RunJobAsync(job, async token =>
        {
            using var context = await LoadAsync(options, LoadRequirements.AnyTransfers | LoadRequirements.LockTargets, online: false, token).ConfigureAwait(false);
            return await Core.Planning.Vacuum.RunAsync(context, 0, null, token).ConfigureAwait(false);
        }, _ => JobEnd.Succeeded).ConfigureAwait(false);
        await call.ReplyAsync(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("removed", result.Removed);
            w.WriteNumber("disabledTransfers", result.DisabledTransfers);
            w.WriteEndObject();
        }, cancellationToken: ct).ConfigureAwait(false);
    }

    private async Task SetFeatureEnabledAsync(VarlinkCall call, CancellationToken ct)
    {
        var target = TargetId.FromParameters(call.Parameters);
        string feature = call.Parameters.GetProperty("feature").GetString()!;
        if (!DefinitionFile.IsValidName(feature) || feature.Contains('/', StringComparison.Ordinal))
            throw VarlinkErrorException.InvalidParameter("feature");
        bool? enabled = OptionalBool(call.Parameters, "enabled");
        await AuthorizeAsync(call, PolkitAction.ManageFeatures,
            PolkitDetails(target, ("feature", feature), ("enabled", enabled switch { null => "", true => "1", false => "0" })), ct).ConfigureAwait(false);
        var options = OptionsFor(target, offline: true);
        var job = await StartJobAsync(call, JobType.SetFeature, target, null, detached: false, ct).ConfigureAwait(false);
        await RunJobAsync(job, async token =>
        {
            using var context = await LoadAsync(options, LoadRequirements.LockTargets, online: false, token).ConfigureAwait(false);
            if (context.Definitions.FindFeature(feature) is null)
                throw new VarlinkErrorException(SysUpdateInterface.NoSuchFeature, new System.Text.Json.Nodes.JsonObject { ["feature"] = feature });
            await FeatureDropIn.SetAsync(context.Definitions, feature, enabled, "io.systemd.SysUpdate.SetFeatureEnabled", token).ConfigureAwait(false);
            return true;
        }, _ => JobEnd.Succeeded).ConfigureAwait(false);
        SysUpdateLog.Info(logger, enabled switch
        {
            null => $"Feature '{feature}' reset.",
            true => $"Feature '{feature}' enabled.",
            false => $"Feature '{feature}' disabled.",
        });
    }

    /// <summary>Sends progress as <c>continues</c> replies: every phase, transfer or percent change, else at most every 200 ms.</summary>
    private static async Task PumpProgressAsync(VarlinkCall call, ChannelReader<TransferProgress> reader, RunningJob? attached, long jobId, CancellationToken ct)
    {
        TransferProgress? last = null;
        var sinceLast = Stopwatch.StartNew();
        try
        {
            while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                TransferProgress? held = null;
                while (reader.TryRead(out TransferProgress? p))
                {
                    bool significant = last is null || p.Phase != last.Phase || p.TransferId != last.TransferId
                        || SysUpdateJson.Percent(p) != SysUpdateJson.Percent(last);
                    if (!significant && sinceLast.Elapsed < ProgressInterval)
                    {
                        held = p;
                        continue;
                    }
                    held = null;
                    last = p;
                    sinceLast.Restart();
                    await call.ReplyAsync(w => WriteProgressReply(w, p, jobId), continues: true, ct).ConfigureAwait(false);
                }
                if (held is not null && sinceLast.Elapsed >= ProgressInterval)
                {
                    last = held;
                    sinceLast.Restart();
                    await call.ReplyAsync(w => WriteProgressReply(w, held, jobId), continues: true, ct).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is VarlinkException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer is gone: stop an attached job and drop what is left.
            if (attached is not null)
                await attached.CancelAsync().ConfigureAwait(false);
            await DrainAsync(reader).ConfigureAwait(false);
        }
    }

    private static void WriteProgressReply(Utf8JsonWriter w, TransferProgress p, long jobId)
    {
        w.WriteStartObject();
        w.WritePropertyName("progress");
        SysUpdateJson.WriteProgress(w, p);
        w.WriteNumber("jobId", jobId);
        w.WriteEndObject();
    }

    private static async Task DrainAsync(ChannelReader<TransferProgress> reader)
    {
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (reader.TryRead(out _))
            {
            }
        }
    }

    private SysUpdateOptions OptionsFor(TargetId target, bool offline)
    {
        switch (target.Class)
        {
            case TargetId.HostClass:
                return baseOptions with { Component = null, Offline = offline, LockWait = TimeSpan.Zero };
            case TargetId.ComponentClass:
                if (baseOptions.DefinitionsDirectory is not null
                    || !DefinitionLoader.EnumerateComponents(baseOptions.Root).Contains(target.Name!, StringComparer.Ordinal))
                    throw new VarlinkErrorException(SysUpdateInterface.NoSuchTarget);
                return baseOptions with { Component = target.Name, DefinitionsDirectory = null, Offline = offline, LockWait = TimeSpan.Zero };
            default:
                // Image targets (machine, portable, sysext, confext) are not discovered by this implementation.
                throw new VarlinkErrorException(SysUpdateInterface.NoSuchTarget);
        }
    }

    private async Task<UpdateContext> LoadAsync(SysUpdateOptions options, LoadRequirements requirements, bool online, CancellationToken ct)
    {
        try
        {
            return online
                ? await UpdateContext.LoadOnlineAsync(options, requirements, logger, ct).ConfigureAwait(false)
                : await UpdateContext.LoadOfflineAsync(options, requirements, logger, ct).ConfigureAwait(false);
        }
        catch (NoDefinitionsException)
        {
            throw new VarlinkErrorException(SysUpdateInterface.NoSuchTarget);
        }
    }

    /// <summary>Lets root through; anyone else needs <paramref name="action"/> granted by polkit
    /// (the rule per method is at the end of io.systemd.SysUpdate.varlink).</summary>
    private Task AuthorizeAsync(VarlinkCall call, string action, IReadOnlyDictionary<string, string> details, CancellationToken ct) =>
        _authorizer.AuthorizeAsync(call, action, details, ct);

    /// <summary>A read that goes to the network (not offline) asks like CheckNew: <c>.check</c>.</summary>
    private Task AuthorizeOnlineReadAsync(VarlinkCall call, TargetId target, bool offline, CancellationToken ct) =>
        offline ? Task.CompletedTask : AuthorizeAsync(call, PolkitAction.Check, PolkitDetails(target, ("offline", "0")), ct);

    /// <summary>The details sysupdated passes to polkit: the target's class and name, then the call's own.</summary>
    private static Dictionary<string, string> PolkitDetails(TargetId target, params (string Key, string Value)[] extra)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal) { ["class"] = target.Class, ["name"] = target.Name ?? "" };
        foreach (var (key, value) in extra)
            details[key] = value;
        return details;
    }

    private static VarlinkErrorException NoSuchVersion(string version) =>
        new(SysUpdateInterface.NoSuchVersion, new System.Text.Json.Nodes.JsonObject { ["version"] = version });

    private static bool? OptionalBool(JsonElement parameters, string name) =>
        parameters.TryGetProperty(name, out JsonElement value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    private static string? OptionalString(JsonElement parameters, string name) =>
        parameters.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Turns engine errors into Varlink errors: <c>Busy</c> and <c>NoSuchVersion</c> by type,
    /// anything else <c>io.systemd.System</c> with the exception's errno.</summary>
    private async Task Guard(VarlinkCall call, Func<Task> handler)
    {
        try
        {
            await handler().ConfigureAwait(false);
        }
        catch (TargetBusyException ex)
        {
            SysUpdateLog.Warning(logger, $"{call.Method}: {ex.Message}");
            throw BusyError(call, ex);
        }
        catch (VersionNotFoundException ex)
        {
            throw NoSuchVersion(ex.Version);
        }
        catch (SysUpdateException ex)
        {
            SysUpdateLog.Warning(logger, $"{call.Method}: {ex.Message}");
            throw VarlinkErrorException.System((int)ex.Errno, ex.Errno.ToName());
        }
    }
}
