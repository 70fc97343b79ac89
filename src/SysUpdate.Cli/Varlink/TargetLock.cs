using System.Collections.Concurrent;

namespace SysUpdate.Cli.Varlink;

/// <summary>Holds a target's entry in the service's busy set; disposing releases it.</summary>
internal sealed class TargetLock(ConcurrentDictionary<string, byte> busy, string key) : IDisposable
{
    public void Dispose() => busy.TryRemove(key, out _);
}
