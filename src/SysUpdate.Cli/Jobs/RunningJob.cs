using System.Buffers;
using System.Text;
using System.Text.Json;
using SysUpdate.Cli.Varlink;
using SysUpdate.Core.Pipeline;

namespace SysUpdate.Cli.Jobs;

/// <summary>
/// The runner's side of one job: holds the job's liveness lock, keeps its record current (progress at
/// most every <see cref="FlushInterval"/>, then the result), and watches for <c>ID.cancel</c>, which
/// cancels <see cref="Token"/> (honoured by the engine up to the install step).
/// </summary>
internal sealed class RunningJob : IProgress<TransferProgress>, IAsyncDisposable
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);

    private readonly JobStore _store;
    private readonly JobLock _lock;
    private readonly CancellationTokenSource _cancel;
    private readonly CancellationTokenSource _stopWatching = new();
    private readonly Lock _gate = new();
    private readonly Task _watch;
    private JobRecord _record;
    private TransferProgress? _latest;
    private bool _dirty;

    private RunningJob(JobStore store, JobLock held, JobRecord record, CancellationToken lifetime)
    {
        _store = store;
        _lock = held;
        _record = record;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(lifetime);
        _watch = WatchAsync(_stopWatching.Token);
    }

    public long Id => _record.Id;

    /// <summary>Cancelled when the job's lifetime token is, or when someone asked for the job to stop.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Someone (CancelJob) asked the job to stop.</summary>
    public bool CancelRequested { get; private set; }

    public JobRecord Record
    {
        get
        {
            lock (_gate)
                return _record;
        }
    }

    /// <summary>
    /// Registers a new job in <paramref name="store"/>: a fresh id, its liveness lock taken, its first record written.
    /// <paramref name="lifetime"/> cancels the job (the Varlink connection of an attached job, the CLI's signals).
    /// </summary>
    public static async Task<RunningJob> StartAsync(JobStore store, JobType type, TargetId target, string? version, JobOrigin origin,
        int uid, bool detached, CancellationToken lifetime, CancellationToken cancellationToken = default)
    {
        store.EnsureCreated();
        long id = await store.Ids.NextAsync(cancellationToken).ConfigureAwait(false);
        var held = JobLock.TryAcquire(store.LockPath(id))
            ?? throw new InvalidOperationException($"{store.LockPath(id)}: the lock of a new job id is held");
        try
        {
            var record = new JobRecord(id, type, target, version, origin, Environment.ProcessId, uid, detached,
                DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000);
            store.Write(record);
            return new RunningJob(store, held, record, lifetime);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    public void Report(TransferProgress value)
    {
        lock (_gate)
        {
            _latest = value;
            _dirty = true;
        }
    }

    /// <summary>Runs the job's work with <see cref="Token"/> and records how it ended; exceptions pass through, recorded as failed or cancelled.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, Func<T, JobEnd> end)
    {
        T value;
        try
        {
            value = await work(Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Finish(JobResult.Cancelled, null, CancelRequested ? "cancelled by CancelJob" : "cancelled");
            throw;
        }
        catch (Exception ex)
        {
            Finish(JobResult.Failed, null, ex.Message);
            throw;
        }
        var (result, version) = end(value);
        Finish(result, version, null);
        return value;
    }

    /// <summary>Cancels the job from within its own process (an attached job whose client went away).</summary>
    public Task CancelAsync() => _cancel.CancelAsync();

    public async ValueTask DisposeAsync()
    {
        await _stopWatching.CancelAsync().ConfigureAwait(false);
        await _watch.ConfigureAwait(false);
        lock (_gate)
        {
            if (!_record.IsFinished)
                WriteLocked(_record with { Result = JobResult.Failed, Message = "the job ended without a result" });
        }
        _lock.Dispose();
        _cancel.Dispose();
        _stopWatching.Dispose();
    }

    private void Finish(JobResult result, string? version, string? message)
    {
        lock (_gate)
            WriteLocked(WithProgressLocked() with { Result = result, ResultVersion = version, Message = message });
    }

    private async Task WatchAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(FlushInterval, stop).ConfigureAwait(false);
                if (!CancelRequested && _store.IsCancelRequested(Id))
                {
                    CancelRequested = true;
                    await _cancel.CancelAsync().ConfigureAwait(false);
                }
                Flush();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private void Flush()
    {
        lock (_gate)
        {
            if (!_dirty || _record.IsFinished)
                return;
            try
            {
                WriteLocked(WithProgressLocked());
            }
            catch (IOException)
            {
                // Progress in the record is for watchers; a full /run must not fail the update. The next flush retries.
            }
        }
    }

    private JobRecord WithProgressLocked()
    {
        if (!_dirty || _latest is null)
            return _record;
        _dirty = false;
        return _record with { ProgressJson = ProgressText(_latest) };
    }

    private void WriteLocked(JobRecord record)
    {
        _store.Write(record);
        _record = record;
    }

    private static string ProgressText(TransferProgress progress)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
            SysUpdateJson.WriteProgress(w, progress);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
