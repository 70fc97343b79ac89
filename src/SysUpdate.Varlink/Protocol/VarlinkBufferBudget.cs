namespace SysUpdate.Varlink.Protocol;

/// <summary>
/// A byte budget shared by a server's connections for what peers make it hold: the buffered bytes of
/// messages still incomplete (no NUL yet) and of calls read but not yet dispatched. A connection that
/// needs more than is left stops reading (backpressure) until others release, so the peak memory of many
/// peers sending large partial messages is the budget, not peers × the message size limit.
/// </summary>
internal sealed class VarlinkBufferBudget
{
    private readonly Lock _lock = new();
    private long _used;
    private TaskCompletionSource _released = NewSignal();

    public VarlinkBufferBudget(long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
    }

    public long Capacity { get; }

    /// <summary>Bytes reserved now.</summary>
    public long Used
    {
        get
        {
            lock (_lock)
            {
                return _used;
            }
        }
    }

    /// <summary>Waits until <paramref name="bytes"/> fit in the budget, then reserves them.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> can never fit.</exception>
    public async ValueTask ReserveAsync(long bytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, Capacity);
        while (true)
        {
            Task released;
            lock (_lock)
            {
                if (_used + bytes <= Capacity)
                {
                    _used += bytes;
                    return;
                }

                released = _released.Task;
            }

            await released.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Release(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes == 0)
        {
            return;
        }

        TaskCompletionSource waiters;
        lock (_lock)
        {
            _used -= bytes;
            System.Diagnostics.Debug.Assert(_used >= 0, "released more than reserved");
            waiters = _released;
            _released = NewSignal();
        }

        waiters.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
