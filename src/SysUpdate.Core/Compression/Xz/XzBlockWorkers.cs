using System.Collections.Concurrent;

namespace SysUpdate.Core.Compression.Xz;

/// <summary>Threads of their own (not the thread pool's: a block keeps one busy for a second or more) that decode
/// <see cref="XzBlockJob"/>s in the order they are dispatched, each with its own liblzma stream.</summary>
internal sealed unsafe class XzBlockWorkers : IDisposable
{
    private readonly BlockingCollection<XzBlockJob> _jobs = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread[] _threads;

    public XzBlockWorkers(int count)
    {
        _threads = new Thread[count];
        for (int i = 0; i < count; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"xz block {i}" };
            _threads[i].Start();
        }
    }

    public void Dispatch(XzBlockJob job) => _jobs.Add(job);

    private void Work()
    {
        using var stream = new LzmaStreamHandle();
        try
        {
            foreach (var job in _jobs.GetConsumingEnumerable(_stop.Token))
                job.Decode(stream.Stream, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            // disposed: the jobs still queued are freed by their owner
        }
    }

    /// <summary>Stops the workers (a block being decoded stops within one segment) and waits for them.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _jobs.CompleteAdding();
        foreach (var thread in _threads)
            thread.Join();
        _jobs.Dispose();
        _stop.Dispose();
    }
}
