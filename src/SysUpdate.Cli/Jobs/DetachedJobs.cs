namespace SysUpdate.Cli.Jobs;

/// <summary>
/// The detached jobs a process runs, so it does not exit under them: a socket-activated
/// <c>sysupdate varlink</c> serves one connection and would otherwise end with it.
/// </summary>
internal sealed class DetachedJobs
{
    private readonly Lock _gate = new();
    private readonly List<Task> _running = [];

    public void Add(Task job)
    {
        lock (_gate)
        {
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(job);
        }
    }

    /// <summary>Completes when every detached job has ended, however it ended.</summary>
    public async Task WhenAllEndedAsync()
    {
        while (true)
        {
            Task[] pending;
            lock (_gate)
                pending = _running.Where(t => !t.IsCompleted).ToArray();
            if (pending.Length == 0)
                return;
            await Task.WhenAll(pending.Select(t => t.ContinueWith(static _ => { }, TaskScheduler.Default))).ConfigureAwait(false);
        }
    }
}
