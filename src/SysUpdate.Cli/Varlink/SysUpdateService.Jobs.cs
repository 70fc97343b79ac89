using System.Text.Json;
using System.Text.Json.Nodes;
using SysUpdate.Cli.Jobs;
using SysUpdate.Cli.Varlink.Authorization;
using SysUpdate.Core;
using SysUpdate.Core.Operations;
using SysUpdate.Varlink;
using SysUpdate.Varlink.Server;

namespace SysUpdate.Cli.Varlink;

/// <summary>
/// Jobs: every change runs as a job of the root's <see cref="JobStore"/>, so <c>ListJobs</c>,
/// <c>WatchJob</c>, <c>CancelJob</c> and <c>Subscribe</c> see the jobs of every process (another
/// connection's, the command line's, the timer's) by reading the store's records.
/// </summary>
internal sealed partial class SysUpdateService
{
    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan SubscribeInterval = TimeSpan.FromMilliseconds(250);

    private readonly JobStore _jobs = JobStore.ForRoot(baseOptions.Root);

    /// <summary>The detached jobs this process runs; the socket-activated service waits for them before it exits.</summary>
    public DetachedJobs Detached { get; } = new();

    /// <summary>Ends detached jobs: the process is stopping (SIGTERM).</summary>
    public CancellationToken Stopping { get; init; }

    /// <summary>The running job of <paramref name="target"/>, if any (for GetTargetState).</summary>
    internal JobRecord? RunningJobOf(TargetId target) => _jobs.FindRunning(target, holderPid: null);

    private VarlinkInterfaceRegistration MapJobMethods(VarlinkInterfaceRegistration registration) =>
        registration
            .Map("ListJobs", (call, ct) => Guard(call, () => ListJobsAsync(call, ct)))
            .Map("WatchJob", (call, ct) => Guard(call, () => WatchJobAsync(call, ct)))
            .Map("CancelJob", (call, ct) => Guard(call, () => CancelJobAsync(call, ct)))
            .Map("Subscribe", (call, ct) => Guard(call, () => SubscribeAsync(call, ct)));

    private Task<RunningJob> StartJobAsync(VarlinkCall call, JobType type, TargetId target, string? version, bool detached, CancellationToken ct) =>
        RunningJob.StartAsync(_jobs, type, target, version, JobOrigin.Varlink, call.Peer is { } peer ? (int)peer.UserId : -1, detached,
            detached ? Stopping : ct, ct);

    /// <summary>Runs <paramref name="work"/> as <paramref name="job"/> on the thread pool and lets the job go when it ends.</summary>
    private static async Task<T> RunJobAsync<T>(RunningJob job, Func<CancellationToken, Task<T>> work, Func<T, JobEnd> end)
    {
        await using (job.ConfigureAwait(false))
            return await job.RunAsync(token => Task.Run(() => work(token), token), end).ConfigureAwait(false);
    }

    /// <summary>A detached job nobody awaits: its failure is in its record; log it too.</summary>
    private async Task ObserveDetachedAsync(long id, Task job)
    {
        try
        {
            await job.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SysUpdateException or VarlinkErrorException or OperationCanceledException or IOException)
        {
            SysUpdateLog.Warning(logger, $"Job {id}: {ex.Message}");
        }
    }

    private void RunDetached(long id, Task job) => Detached.Add(ObserveDetachedAsync(id, job));

    private Task ListJobsAsync(VarlinkCall call, CancellationToken ct)
    {
        var jobs = _jobs.List();
        return call.ReplyAsync(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("jobs");
            foreach (var job in jobs)
                job.WriteJson(w);
            w.WriteEndArray();
            w.WriteEndObject();
        }, cancellationToken: ct).AsTask();
    }

    private async Task WatchJobAsync(VarlinkCall call, CancellationToken ct)
    {
        long id = call.Parameters.GetProperty("id").GetInt64();
        var job = _jobs.Read(id) ?? throw NoSuchJob(id);
        if (!call.More || job.IsFinished)
        {
            await call.ReplyAsync(w => WriteJobReply(w, job), cancellationToken: ct).ConfigureAwait(false);
            return;
        }

        await call.ReplyAsync(w => WriteJobReply(w, job), continues: true, ct).ConfigureAwait(false);
        string? sent = job.ProgressJson;
        while (!job.IsFinished)
        {
            await Task.Delay(WatchInterval, ct).ConfigureAwait(false);
            job = _jobs.Read(id) ?? throw NoSuchJob(id);
            if (!job.IsFinished && job.ProgressJson is { } progress && progress != sent)
            {
                sent = progress;
                await call.ReplyAsync(w =>
                {
                    w.WriteStartObject();
                    w.WritePropertyName("progress");
                    w.WriteRawValue(progress, skipInputValidation: true);
                    w.WriteEndObject();
                }, continues: true, ct).ConfigureAwait(false);
            }
        }
        await call.ReplyAsync(w => WriteJobReply(w, job), cancellationToken: ct).ConfigureAwait(false);
    }

    private async Task CancelJobAsync(VarlinkCall call, CancellationToken ct)
    {
        long id = call.Parameters.GetProperty("id").GetInt64();
        var job = _jobs.Read(id) ?? throw NoSuchJob(id);
        if (job.IsFinished)
            return;
        await AuthorizeAsync(call, ActionOf(job), PolkitDetails(job.Target), ct).ConfigureAwait(false);
        _jobs.RequestCancel(id);
        while (job is { IsFinished: false })
        {
            await Task.Delay(WatchInterval, ct).ConfigureAwait(false);
            job = _jobs.Read(id);
        }
    }

    private async Task SubscribeAsync(VarlinkCall call, CancellationToken ct)
    {
        if (!await call.RequireMoreAsync(ct).ConfigureAwait(false))
            return;
        var feed = new JobEventFeed(_jobs.List());
        await call.ReplyAsync(w =>
        {
            w.WriteStartObject();
            w.WriteEndObject();
        }, continues: true, ct).ConfigureAwait(false);
        while (true)
        {
            await Task.Delay(SubscribeInterval, ct).ConfigureAwait(false);
            foreach (var e in feed.Next(_jobs.List()))
            {
                await call.ReplyAsync(w =>
                {
                    w.WriteStartObject();
                    w.WritePropertyName("event");
                    w.WriteStartObject();
                    w.WriteString("type", e.Type.ToWire());
                    w.WritePropertyName("job");
                    e.Job.WriteJson(w);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }, continues: true, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The <c>Busy</c> error of a change that found its target locked, with the job holding it when the store knows it.</summary>
    private VarlinkErrorException BusyError(VarlinkCall call, TargetBusyException busy)
    {
        JobRecord? holder = null;
        if (call.Parameters.TryGetProperty("target", out JsonElement t) && t.ValueKind == JsonValueKind.Object)
            holder = _jobs.FindRunning(TargetId.FromParameters(call.Parameters), busy.HolderPid);
        return new VarlinkErrorException(SysUpdateInterface.Busy, holder is null ? null : new JsonObject { ["jobId"] = holder.Id });
    }

    private static string ActionOf(JobRecord job) => job.Type switch
    {
        JobType.Acquire or JobType.Install or JobType.Update => job.Version is null ? PolkitAction.Update : PolkitAction.UpdateToVersion,
        JobType.Vacuum => PolkitAction.Vacuum,
        JobType.SetFeature => PolkitAction.ManageFeatures,
        _ => throw new ArgumentOutOfRangeException(nameof(job), job.Type, null),
    };

    private static JobType JobTypeOf(ChangeOperation change) => change switch
    {
        ChangeOperation.Acquire => JobType.Acquire,
        ChangeOperation.Install => JobType.Install,
        ChangeOperation.Update => JobType.Update,
        _ => throw new ArgumentOutOfRangeException(nameof(change), change, null),
    };

    private static void WriteJobReply(Utf8JsonWriter w, JobRecord job)
    {
        w.WriteStartObject();
        w.WritePropertyName("job");
        job.WriteJson(w);
        w.WriteEndObject();
    }

    private static VarlinkErrorException NoSuchJob(long id) =>
        new(SysUpdateInterface.NoSuchJob, new JsonObject { ["id"] = id });
}
