using System.Globalization;
using SysUpdate.Cli.Varlink;

namespace SysUpdate.Cli.Jobs;

/// <summary>
/// The jobs of every process acting on one root, in <c>ROOT/run/sysupdate/jobs/</c>: a record
/// <c>ID.json</c> per job (replaced atomically by the process running it), the runner's liveness lock
/// <c>ID.lock</c>, and <c>ID.cancel</c> when someone asked the runner to stop. A reader reports a
/// record whose runner died as failed, and removes finished records after <see cref="Retention"/>.
/// </summary>
internal sealed class JobStore
{
    /// <summary>How long a finished job stays listed, for watchers that come late.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromSeconds(60);

    private const UnixFileMode DirectoryMode = (UnixFileMode)0x1ED; // 0755
    private const UnixFileMode RecordMode = (UnixFileMode)0x1A4; // 0644

    private readonly TimeProvider _clock;

    public JobStore(string directory, TimeProvider? clock = null)
    {
        Directory = directory;
        _clock = clock ?? TimeProvider.System;
        Ids = new JobIdAllocator(directory);
    }

    public string Directory { get; }

    public JobIdAllocator Ids { get; }

    public static JobStore ForRoot(string root) => new(Path.Combine(root, "run", "sysupdate", "jobs"));

    public string RecordPath(long id) => Path.Combine(Directory, Name(id) + ".json");

    public string LockPath(long id) => Path.Combine(Directory, Name(id) + ".lock");

    public string CancelPath(long id) => Path.Combine(Directory, Name(id) + ".cancel");

    public void EnsureCreated()
    {
        System.IO.Directory.CreateDirectory(Directory, DirectoryMode);
        File.SetUnixFileMode(Directory, DirectoryMode);
    }

    /// <summary>Replaces the record of <paramref name="record"/>'s job: written to a temporary file, then renamed over it.</summary>
    public void Write(JobRecord record)
    {
        string path = RecordPath(record.Id);
        string temporary = Path.Combine(Directory, $".{Name(record.Id)}.json.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, new FileStreamOptions
                   {
                       Mode = FileMode.Create,
                       Access = FileAccess.Write,
                       UnixCreateMode = RecordMode,
                   }))
            {
                stream.Write(record.ToUtf8());
            }
            File.SetUnixFileMode(temporary, RecordMode);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>The record as its file says, without a liveness check; null when there is none (or it is not a record).</summary>
    public JobRecord? ReadRaw(long id)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(RecordPath(id));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        try
        {
            return JobRecord.Parse(bytes);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The record, reported (and rewritten) as failed when it has no result and its runner is gone.</summary>
    public JobRecord? Read(long id)
    {
        var record = ReadRaw(id);
        if (record is null || record.IsFinished)
            return record;
        using var taken = JobLock.TryAcquire(LockPath(id));
        if (taken is null)
            return record;
        // The runner writes its last record before it lets go of the lock: read again under the lock.
        record = ReadRaw(id);
        if (record is null || record.IsFinished)
            return record;
        var abandoned = record with
        {
            Result = JobResult.Failed,
            Message = $"the process running the job (pid {record.Pid}) ended without finishing it",
        };
        Write(abandoned);
        return abandoned;
    }

    /// <summary>Every running job and those finished within <see cref="Retention"/>, by id; removes older ones.</summary>
    public IReadOnlyList<JobRecord> List()
    {
        if (!System.IO.Directory.Exists(Directory))
            return [];
        var jobs = new List<JobRecord>();
        foreach (string path in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            if (!long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out long id))
                continue;
            var record = Read(id);
            if (record is null)
                continue;
            if (record.IsFinished && _clock.GetUtcNow() - File.GetLastWriteTimeUtc(path) > Retention)
            {
                Remove(id);
                continue;
            }
            jobs.Add(record);
        }
        jobs.Sort((a, b) => a.Id.CompareTo(b.Id));
        return jobs;
    }

    /// <summary>
    /// The running job that holds <paramref name="target"/>: the one of the lock holder's pid when
    /// known, else the only running job of that target.
    /// </summary>
    public JobRecord? FindRunning(TargetId target, int? holderPid)
    {
        var running = List().Where(j => !j.IsFinished && j.Target == target).ToList();
        if (holderPid is { } pid && running.FindLast(j => j.Pid == pid) is { } byPid)
            return byPid;
        return running.Count == 1 ? running[0] : null;
    }

    public void RequestCancel(long id)
    {
        using var _ = new FileStream(CancelPath(id), new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, UnixCreateMode = RecordMode });
    }

    public bool IsCancelRequested(long id) => File.Exists(CancelPath(id));

    private void Remove(long id)
    {
        File.Delete(RecordPath(id));
        File.Delete(LockPath(id));
        File.Delete(CancelPath(id));
    }

    private static string Name(long id) => id.ToString(CultureInfo.InvariantCulture);
}
