using System.Globalization;

namespace SysUpdate.Benchmarks;

/// <summary>
/// Peak RSS of a process and all its descendants, from /proc (cgroup v2's memory.peak would count the page cache
/// the written image fills, which is not the tool's memory). Each sample finds the tree by parent pid and adds up
/// VmHWM of its live processes; the peak is the largest such sum. VmHWM catches a process's own spikes between
/// samples; processes that run one after another are not added together.
/// </summary>
internal sealed class ProcessTreeSampler(int rootPid)
{
    private readonly HashSet<int> _seen = [];

    public long PeakBytes { get; private set; }

    public int Processes => _seen.Count;

    public void Sample()
    {
        var children = new Dictionary<int, List<int>>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                continue;
            if (ReadParent(pid) is not { } parent)
                continue;
            if (!children.TryGetValue(parent, out var list))
                children[parent] = list = [];
            list.Add(pid);
        }
        long sum = 0;
        var pending = new Stack<int>();
        pending.Push(rootPid);
        while (pending.Count > 0)
        {
            int pid = pending.Pop();
            long hwm = ReadVmHwm(pid);
            if (hwm > 0)
            {
                _seen.Add(pid);
                sum += hwm;
            }
            foreach (int child in children.GetValueOrDefault(pid) ?? [])
                pending.Push(child);
        }
        PeakBytes = Math.Max(PeakBytes, sum);
    }

    /// <summary>Field 4 of /proc/PID/stat, or null once the process is gone.</summary>
    private static int? ReadParent(int pid)
    {
        try
        {
            string text = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture); // fields[0] is field 3 (state)
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>VmHWM in bytes, or 0 once the process is gone (or a zombie without memory).</summary>
    private static long ReadVmHwm(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }
}
