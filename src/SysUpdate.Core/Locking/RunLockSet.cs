namespace SysUpdate.Core.Locking;

/// <summary>
/// The run locks one change holds: every key of every target it may touch, taken in one fixed
/// (ordinal) order so two runs that need overlapping sets cannot deadlock, and released together.
/// </summary>
internal sealed class RunLockSet : IDisposable
{
    private readonly List<RunLock> _held = [];
    private readonly string _directory;

    private RunLockSet(string directory) => _directory = directory;

    /// <summary>Takes all <paramref name="keys"/> in sorted order; on any failure releases what it took.</summary>
    /// <exception cref="TargetBusyException">A key stayed held by another process for longer than <paramref name="wait"/>.</exception>
    public static async Task<RunLockSet> AcquireAsync(string directory, IEnumerable<RunLockKey> keys, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        RunLockDirectory.Ensure(directory);
        var set = new RunLockSet(directory);
        try
        {
            var deadline = DateTime.UtcNow + wait;
            foreach (var key in keys.DistinctBy(k => k.FileName).Order())
            {
                var left = deadline - DateTime.UtcNow;
                set._held.Add(await RunLock.AcquireAsync(directory, key, left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken).ConfigureAwait(false));
            }
            return set;
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    public bool Holds(RunLockKey key) => _held.Any(l => l.Key.FileName == key.FileName);

    /// <summary>Takes one more key without waiting (for cleanup, which learns its directories late):
    /// false when another process holds it. Never waits while holding others, so it cannot deadlock.</summary>
    public async Task<bool> TryAddAsync(RunLockKey key, CancellationToken cancellationToken = default)
    {
        if (Holds(key))
            return true;
        try
        {
            _held.Add(await RunLock.AcquireAsync(_directory, key, TimeSpan.Zero, cancellationToken).ConfigureAwait(false));
            return true;
        }
        catch (TargetBusyException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var held in _held)
            held.Dispose();
        _held.Clear();
    }
}
