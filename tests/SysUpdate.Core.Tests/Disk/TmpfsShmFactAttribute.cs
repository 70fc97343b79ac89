namespace SysUpdate.Core.Tests.Disk;

/// <summary>A fact that needs <c>/dev/shm</c> to be a tmpfs (whose files take hole punches but not
/// <c>FALLOC_FL_ZERO_RANGE</c>); skipped, with the reason, otherwise.</summary>
internal sealed class TmpfsShmFactAttribute : FactAttribute
{
    public const string Directory = "/dev/shm";

    public TmpfsShmFactAttribute()
    {
        bool tmpfs = File.Exists("/proc/self/mounts") && File.ReadLines("/proc/self/mounts")
            .Select(line => line.Split(' '))
            .Any(fields => fields.Length > 2 && fields[1] == Directory && fields[2] == "tmpfs");
        if (!tmpfs)
        {
            Skip = $"{Directory} is not a tmpfs here";
        }
    }
}
