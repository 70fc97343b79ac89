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
    public static int OpenResourceDescriptors(int pid)
    {
        string? executable = new FileInfo($"/proc/{pid}/exe").LinkTarget;
        return Directory.GetFileSystemEntries($"/proc/{pid}/fd").Count(fd => new FileInfo(fd).LinkTarget is not { } target
            || (target != executable && !target.EndsWith(".dll", StringComparison.Ordinal)));
    }
}
