using SysUpdate.Cli.Jobs;
using SysUpdate.Cli.Varlink;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Jobs;

/// <summary>
/// The job store on a real file system: ids unique under concurrent allocators (each with its own
/// open file, as separate processes have), records replaced atomically with the modes readers need,
/// a record whose runner's lock is free reported as failed while a held lock means running, finished
/// records removed after the retention, and a cancel request reaching the runner's token.
/// </summary>
public sealed class JobStoreTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _tmp = new("sysupdate-jobs-");

    public void Dispose() => _tmp.Dispose();

    private JobStore NewStore(TimeProvider? clock = null)
    {
        var store = new JobStore(_tmp.Combine("run", "sysupdate", "jobs"), clock);
        store.EnsureCreated();
        return store;
    }

    private static JobRecord Record(long id, JobResult? result = null) =>
        new(id, JobType.Update, TargetId.Host, null, JobOrigin.CommandLine, Environment.ProcessId, 0, true, 1, Result: result);

    [Fact]
    public async Task NextAsync_ConcurrentAllocatorsWithTheirOwnFiles_HandOutEveryIdOnce()
    {
        var store = NewStore();
        var allocators = Enumerable.Range(0, 8).Select(_ => new JobIdAllocator(store.Directory)).ToList();

        var batches = await Task.WhenAll(allocators.Select(a => Task.Run(async () =>
        {
            var ids = new List<long>();
            for (int i = 0; i < 50; i++)
                ids.Add(await a.NextAsync());
            return ids;
        })));

        var all = batches.SelectMany(b => b).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), all);
    }

    [Fact]
    public async Task Write_WhileAReaderReads_ReaderNeverSeesAPartialRecord_ModesAreForReaders()
    {
        var store = NewStore();
        store.Write(Record(1));
        using var stop = new CancellationTokenSource();
        int reads = 0;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var seen = store.ReadRaw(1);
                Assert.NotNull(seen);
                reads++;
            }
        });

        for (int i = 0; i < 300; i++)
        {
            string progress = $"{{\"phase\":\"acquiring\",\"version\":\"{new string('9', i)}\",\"percent\":{i % 100}}}";
            store.Write(Record(1) with { ProgressJson = progress });
        }
        await stop.CancelAsync();
        await reader;

        Assert.True(reads > 0);
        Assert.Equal(new string('9', 299), System.Text.Json.JsonDocument.Parse(store.ReadRaw(1)!.ProgressJson!).RootElement.GetProperty("version").GetString());
        Assert.Equal((UnixFileMode)0x1A4, File.GetUnixFileMode(store.RecordPath(1)));
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(store.Directory));
        Assert.Equal([store.RecordPath(1)], Directory.GetFiles(store.Directory, "*json*"));
    }

    [Fact]
    public void Read_RunnerLockFree_ReportsFailed_HeldLock_ReportsRunning()
    {
        var store = NewStore();
        store.Write(Record(1));
        store.Write(Record(2));
        using (var runner = JobLock.TryAcquire(store.LockPath(2)))
        {
            Assert.NotNull(runner);
            Assert.Null(store.Read(2)!.Result);

            var abandoned = store.Read(1)!;
            Assert.Equal(JobResult.Failed, abandoned.Result);
            Assert.Contains($"pid {Environment.ProcessId}", abandoned.Message, StringComparison.Ordinal);
            Assert.Equal(JobResult.Failed, store.ReadRaw(1)!.Result);
            Assert.Equal([1L, 2L], store.List().Select(j => j.Id));
            Assert.Equal(2, store.FindRunning(TargetId.Host, Environment.ProcessId)!.Id);
        }
        Assert.Equal(JobResult.Failed, store.Read(2)!.Result);
        Assert.Null(store.FindRunning(TargetId.Host, null));
    }

    [Fact]
    public void List_FinishedPastTheRetention_Removed_RunningKept()
    {
        var store = NewStore();
        store.Write(Record(1, JobResult.Succeeded));
        store.Write(Record(2));
        using var runner = JobLock.TryAcquire(store.LockPath(2));
        store.RequestCancel(1);

        Assert.Equal([1L, 2L], NewStore().List().Select(j => j.Id));
        var later = NewStore(new ShiftedClock(JobStore.Retention + TimeSpan.FromSeconds(5)));
        Assert.Equal([2L], later.List().Select(j => j.Id));
        Assert.False(File.Exists(store.RecordPath(1)));
        Assert.False(File.Exists(store.CancelPath(1)));
        Assert.False(File.Exists(store.LockPath(1)));
    }

    [Fact]
    public async Task RunningJob_CancelRequested_TokenCancelled_RecordSaysCancelled_LockReleased()
    {
        var store = NewStore();
        var job = await RunningJob.StartAsync(store, JobType.Acquire, TargetId.Host, "7", JobOrigin.Varlink, 1000, detached: true, CancellationToken.None);
        long id = job.Id;
        await using (job)
        {
            Assert.Null(store.Read(id)!.Result);
            var run = job.RunAsync(async token =>
            {
                await Task.Delay(Patience, token);
                return "7";
            }, JobEnd.ForVersion);
            store.RequestCancel(id);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
            Assert.True(job.CancelRequested);
        }

        var record = store.Read(id)!;
        Assert.Equal(JobResult.Cancelled, record.Result);
        Assert.Equal("7", record.Version);
        Assert.Equal(1000, record.Uid);
        using var free = JobLock.TryAcquire(store.LockPath(id));
        Assert.NotNull(free);
    }

    private sealed class ShiftedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
    }
}
