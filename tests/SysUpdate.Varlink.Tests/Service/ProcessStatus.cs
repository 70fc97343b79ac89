using System.Globalization;

namespace SysUpdate.Varlink.Tests.Service;

/// <summary>What /proc says about a running process: resident memory and open descriptors.</summary>
internal static class ProcessStatus
{
    /// <summary>VmRSS in bytes.</summary>
    public static long ResidentBytes(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS");
    }

    public static int OpenDescriptors(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

    /// <summary>
    /// Descriptors that a call could leak (sockets, pipes, files, event fds), leaving out assembly images:
    /// the runtime keeps one descriptor per image it maps (a .dll, or the executable itself for a
    /// single-file bundle) and maps more of them as tiered compilation reaches new code, then stops.
    /// </summary>
    public static int OpenResourceDescriptors(int pid) => ResourceDescriptorTargets(pid).Count;

    /// <summary>What the descriptors <see cref="OpenResourceDescriptors"/> counts point at (<c>socket:[…]</c>, a path, …).</summary>
    public static IReadOnlyList<string> ResourceDescriptorTargets(int pid)
    {
        string? executable = new FileInfo($"/proc/{pid}/exe").LinkTarget;
        return Directory.GetFileSystemEntries($"/proc/{pid}/fd")
            .Select(fd => new FileInfo(fd).LinkTarget ?? "(closed while listed)")
            .Where(target => target != executable && !target.EndsWith(".dll", StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>
    /// The resource descriptors once the count is back within <paramref name="allowedGrowth"/> of
    /// <paramref name="before"/>, or after <paramref name="settle"/>: the last call's connections close on the
    /// server's own schedule, a leak never does.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SettledResourceDescriptorsAsync(int pid, int before, int allowedGrowth, TimeSpan settle)
    {
        var deadline = DateTime.UtcNow + settle;
        while (true)
        {
            var targets = ResourceDescriptorTargets(pid);
            if (targets.Count - before <= allowedGrowth || DateTime.UtcNow >= deadline)
                return targets;
            await Task.Delay(100);
        }
    }

    /// <summary>Descriptor targets counted by kind (<c>socket</c>, <c>pipe</c>, <c>anon_inode</c>, <c>path</c>), for a message.</summary>
    public static string Summarize(IReadOnlyList<string> targets) => string.Join(", ", targets
        .GroupBy(target => target.StartsWith('/') ? "path" : target.Split(':')[0])
        .OrderBy(group => group.Key, StringComparer.Ordinal)
        .Select(group => $"{group.Count()} {group.Key}"));
}
