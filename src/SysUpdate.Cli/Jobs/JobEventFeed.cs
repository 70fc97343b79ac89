namespace SysUpdate.Cli.Jobs;

/// <summary>
/// Turns successive listings of the job store into events: a job not seen before started, a job whose
/// result appeared finished, and a finished install or update that put a version in place also
/// completed an update. Jobs listed at the first look are the baseline: only their ending is news.
/// </summary>
internal sealed class JobEventFeed
{
    private readonly Dictionary<long, bool> _finished = [];

    public JobEventFeed(IReadOnlyList<JobRecord> baseline)
    {
        foreach (var job in baseline)
            _finished[job.Id] = job.IsFinished;
    }

    public IReadOnlyList<JobEvent> Next(IReadOnlyList<JobRecord> jobs)
    {
        var events = new List<JobEvent>();
        foreach (var job in jobs)
        {
            bool known = _finished.TryGetValue(job.Id, out bool wasFinished);
            if (!known)
                events.Add(new JobEvent(JobEventType.JobStarted, job));
            if (job.IsFinished && !wasFinished)
            {
                events.Add(new JobEvent(JobEventType.JobFinished, job));
                if (job is { Result: JobResult.Succeeded, ResultVersion: not null, Type: JobType.Update or JobType.Install })
                    events.Add(new JobEvent(JobEventType.UpdateCompleted, job));
            }
            _finished[job.Id] = job.IsFinished;
        }
        return events;
    }
}
